using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Synth.Store.Mongo;

/// <summary>The concept-tree collections, filters and updates; built here so tests can render them without a server.</summary>
internal static class MongoConceptTree
{
    public const string Expansions = "conceptExpansions";
    public const string Plans = "requestPlans";
    public const string JobId = "jobId";
    public const string NodePath = "nodePath";
    public const string Status = "status";
    public const string Instance = "instance";
    public const string LeaseUntil = "leaseUntil";
    public const string Document = "document";
    public const string RequestIndex = "requestIndex";
    public const string ConditionsJson = "conditions";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private static readonly UpdateDefinitionBuilder<BsonDocument> Update = Builders<BsonDocument>.Update;

    /// <summary>Job ids hold no newline, so it separates the parts of an _id.</summary>
    public static string NodeId(string jobId, string nodePath) => $"{jobId}\n{nodePath}";

    public static string PlanId(string jobId, long requestIndex) => $"{jobId}\n{requestIndex}";

    public static FilterDefinition<BsonDocument> Node(string jobId, string nodePath) => Filter.Eq("_id", NodeId(jobId, nodePath));

    public static FilterDefinition<BsonDocument> PendingNode(string jobId, string nodePath) =>
        Node(jobId, nodePath) & Filter.Eq(Status, (int)ConceptExpansionStatus.Pending);

    /// <summary>A pending claim past its lease (its instance died mid-call), or one the caller left in its previous run.</summary>
    public static FilterDefinition<BsonDocument> AbandonedClaim(string jobId, string nodePath, string instance, DateTimeOffset now) =>
        PendingNode(jobId, nodePath) & (Filter.Lt(LeaseUntil, now.ToUnixTimeMilliseconds()) | Filter.Eq(Instance, instance));

    public static FilterDefinition<BsonDocument> OwnClaim(string jobId, string nodePath, string instance) =>
        PendingNode(jobId, nodePath) & Filter.Eq(Instance, instance);

    public static FilterDefinition<BsonDocument> Settled(string jobId) =>
        Filter.Eq(JobId, jobId) & Filter.Ne(Status, (int)ConceptExpansionStatus.Pending);

    public static FilterDefinition<BsonDocument> Plan(string jobId, long requestIndex) => Filter.Eq("_id", PlanId(jobId, requestIndex));

    public static FilterDefinition<BsonDocument> PlansOf(string jobId) => Filter.Eq(JobId, jobId);

    public static BsonDocument ExpansionDocument(ConceptExpansionRecord record, DateTimeOffset leaseUntil) => new()
    {
        ["_id"] = NodeId(record.JobId, record.NodePath),
        [JobId] = record.JobId,
        [NodePath] = record.NodePath,
        [Status] = (int)record.Status,
        [Instance] = record.Instance,
        [LeaseUntil] = leaseUntil.ToUnixTimeMilliseconds(),
        [Document] = JsonSerializer.Serialize(record, Json),
    };

    public static UpdateDefinition<BsonDocument> Claim(ConceptExpansionRecord claim, DateTimeOffset leaseUntil) =>
        Update.Set(Instance, claim.Instance).Set(LeaseUntil, leaseUntil.ToUnixTimeMilliseconds()).Set(Document, JsonSerializer.Serialize(claim, Json));

    public static UpdateDefinition<BsonDocument> Settle(ConceptExpansionRecord outcome) =>
        Update.Set(Status, (int)outcome.Status).Set(Instance, outcome.Instance).Set(LeaseUntil, 0L)
            .Set(Document, JsonSerializer.Serialize(outcome, Json))
            .SetOnInsert(JobId, outcome.JobId).SetOnInsert(NodePath, outcome.NodePath);

    /// <summary>Only the first upsert sets the conditions; a later one changes nothing.</summary>
    public static UpdateDefinition<BsonDocument> RecordPlan(string jobId, long requestIndex, IReadOnlyDictionary<string, string> conditions) =>
        Update.SetOnInsert(JobId, jobId).SetOnInsert(RequestIndex, requestIndex).SetOnInsert(ConditionsJson, JsonSerializer.Serialize(conditions, Json));

    public static CreateIndexModel<BsonDocument> ExpansionIndex() =>
        new(Builders<BsonDocument>.IndexKeys.Ascending(JobId).Ascending(Status), new CreateIndexOptions { Name = "jobId_status" });

    public static CreateIndexModel<BsonDocument> PlanIndex() =>
        new(Builders<BsonDocument>.IndexKeys.Ascending(JobId), new CreateIndexOptions { Name = "jobId" });

    public static ConceptExpansionRecord ToRecord(BsonDocument document) =>
        JsonSerializer.Deserialize<ConceptExpansionRecord>(document[Document].AsString, Json)!;

    public static IReadOnlyDictionary<string, string> Conditions(BsonDocument document) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(document[ConditionsJson].AsString, Json)!;
}
