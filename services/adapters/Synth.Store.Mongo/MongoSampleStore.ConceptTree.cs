using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Synth.Store.Mongo;

/// <summary>
/// The grown concept tree and the recorded request plans on MongoDB. Each node is one document keyed by (job, path):
/// a claim is an insert (the unique _id lets one instance win), a dead claim is taken over only by a conditional
/// update on its expired lease, and an outcome is written only over a pending document (an upsert that collides
/// with a settled one leaves it as it was: first writer wins).
/// </summary>
public sealed partial class MongoSampleStore : IConceptTreeStore
{
    public async Task<ConceptExpansionRecord?> TryClaimExpansionAsync(
        string jobId, string nodePath, string instance, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var expansions = _database.GetCollection<BsonDocument>(MongoConceptTree.Expansions);
        var claim = new ConceptExpansionRecord(jobId, nodePath, ConceptExpansionStatus.Pending, [], instance, At: now);
        try
        {
            await expansions.InsertOneAsync(MongoConceptTree.ExpansionDocument(claim, leaseUntil), cancellationToken: cancellationToken);
            return null;
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // Stored already: claimed by someone, or settled.
        }

        var takeOver = await expansions.UpdateOneAsync(
            MongoConceptTree.AbandonedClaim(jobId, nodePath, instance, now),
            MongoConceptTree.Claim(claim, leaseUntil),
            cancellationToken: cancellationToken);
        if (takeOver.MatchedCount == 1)
        {
            return null;
        }

        var stored = await expansions.Find(MongoConceptTree.Node(jobId, nodePath)).FirstOrDefaultAsync(cancellationToken);
        return stored is null ? claim : MongoConceptTree.ToRecord(stored);
    }

    public async Task<ConceptExpansionRecord> CompleteExpansionAsync(ConceptExpansionRecord outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Status == ConceptExpansionStatus.Pending)
        {
            throw new ArgumentException("an outcome is Expanded or Failed", nameof(outcome));
        }

        var expansions = _database.GetCollection<BsonDocument>(MongoConceptTree.Expansions);
        try
        {
            await expansions.UpdateOneAsync(
                MongoConceptTree.PendingNode(outcome.JobId, outcome.NodePath),
                MongoConceptTree.Settle(outcome),
                new UpdateOptions { IsUpsert = true },
                cancellationToken);
            return outcome;
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // The node is settled already (the filter did not match and the upsert's insert collided): keep that one.
            var stored = await expansions.Find(MongoConceptTree.Node(outcome.JobId, outcome.NodePath)).FirstAsync(cancellationToken);
            return MongoConceptTree.ToRecord(stored);
        }
    }

    public Task ReleaseExpansionAsync(string jobId, string nodePath, string instance, CancellationToken cancellationToken) =>
        _database.GetCollection<BsonDocument>(MongoConceptTree.Expansions)
            .DeleteOneAsync(MongoConceptTree.OwnClaim(jobId, nodePath, instance), cancellationToken);

    public async Task<IReadOnlyList<ConceptExpansionRecord>> GetExpansionsAsync(string jobId, CancellationToken cancellationToken)
    {
        var settled = await _database.GetCollection<BsonDocument>(MongoConceptTree.Expansions)
            .Find(MongoConceptTree.Settled(jobId)).ToListAsync(cancellationToken);
        return ConceptExpansionOrder.Sort(settled.Select(MongoConceptTree.ToRecord));
    }

    public async Task<IReadOnlyDictionary<string, string>> RecordPlanAsync(
        string jobId, long requestIndex, IReadOnlyDictionary<string, string> conditions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var plans = _database.GetCollection<BsonDocument>(MongoConceptTree.Plans);
        var options = new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After };
        BsonDocument stored;
        try
        {
            stored = await plans.FindOneAndUpdateAsync(
                MongoConceptTree.Plan(jobId, requestIndex), MongoConceptTree.RecordPlan(jobId, requestIndex, conditions), options, cancellationToken);
        }
        catch (MongoCommandException e) when (e.Code == MongoDedup.DuplicateKeyCode)
        {
            // Two upserts of one plan raced; the other inserted first, and its conditions are the ones kept.
            stored = await plans.Find(MongoConceptTree.Plan(jobId, requestIndex)).FirstAsync(cancellationToken);
        }

        return MongoConceptTree.Conditions(stored);
    }

    public async Task<IReadOnlyDictionary<long, IReadOnlyDictionary<string, string>>> GetPlansAsync(string jobId, CancellationToken cancellationToken)
    {
        var stored = await _database.GetCollection<BsonDocument>(MongoConceptTree.Plans)
            .Find(MongoConceptTree.PlansOf(jobId)).ToListAsync(cancellationToken);
        return stored.ToDictionary(d => d[MongoConceptTree.RequestIndex].ToInt64(), MongoConceptTree.Conditions);
    }

    private async Task CreateConceptTreeIndexesAsync(CancellationToken cancellationToken)
    {
        await _database.GetCollection<BsonDocument>(MongoConceptTree.Expansions).Indexes.CreateOneAsync(MongoConceptTree.ExpansionIndex(), cancellationToken: cancellationToken);
        await _database.GetCollection<BsonDocument>(MongoConceptTree.Plans).Indexes.CreateOneAsync(MongoConceptTree.PlanIndex(), cancellationToken: cancellationToken);
    }
}

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
