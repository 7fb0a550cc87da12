using MongoDB.Bson;
using MongoDB.Driver;
using Synth.Contracts.Audit;
using Synth.Contracts.Messaging;

namespace Synth.Store.Mongo;

/// <summary>
/// The audit trail in collection "audit": <c>{ _id, jobId, sampleId, actor, action, at: UTC date, json: the record }</c>;
/// the indexed fields serve the queries, the JSON keeps the record exactly as written.
/// </summary>
public sealed class MongoAuditStore(MongoDatabaseContext context) : IAuditStore
{
    public const string AuditCollection = "audit";

    private static readonly SortDefinition<BsonDocument> Oldest = Builders<BsonDocument>.Sort.Ascending("at").Ascending("_id");

    private IMongoCollection<BsonDocument> Audit => context.Database.GetCollection<BsonDocument>(AuditCollection);

    public async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var document = new BsonDocument
        {
            ["_id"] = record.Id,
            ["jobId"] = record.JobId,
            ["sampleId"] = record.SampleId is null ? BsonNull.Value : record.SampleId,
            ["actor"] = record.Actor,
            ["action"] = record.Action.ToString(),
            ["at"] = new BsonDateTime(record.At.UtcDateTime),
            ["json"] = SampleJson.ToJson(record),
        };
        try
        {
            await Audit.InsertOneAsync(document, cancellationToken: cancellationToken);
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // Appending the same record again (a retried request) changes nothing.
        }
    }

    public Task<IReadOnlyList<AuditRecord>> ForJobAsync(string jobId, CancellationToken cancellationToken) =>
        ReadAsync(Builders<BsonDocument>.Filter.Eq("jobId", jobId), cancellationToken);

    public Task<IReadOnlyList<AuditRecord>> ForSampleAsync(string sampleId, CancellationToken cancellationToken) =>
        ReadAsync(Builders<BsonDocument>.Filter.Eq("sampleId", sampleId), cancellationToken);

    public async Task<IReadOnlyList<string>> JobsSubmittedByAsync(string actor, CancellationToken cancellationToken)
    {
        var filter = Builders<BsonDocument>.Filter.Eq("actor", actor) & Builders<BsonDocument>.Filter.Eq("action", AuditAction.Submit.ToString());
        var records = await ReadAsync(filter, cancellationToken);
        return records.Select(r => r.JobId).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Called from <see cref="MongoDatabaseContext.InitializeAsync"/>.</summary>
    internal static Task CreateIndexesAsync(MongoDatabaseContext context, CancellationToken cancellationToken)
    {
        var keys = Builders<BsonDocument>.IndexKeys;
        return context.Database.GetCollection<BsonDocument>(AuditCollection).Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(keys.Ascending("jobId").Ascending("at").Ascending("_id")),
            new CreateIndexModel<BsonDocument>(keys.Ascending("sampleId").Ascending("at").Ascending("_id")),
            new CreateIndexModel<BsonDocument>(keys.Ascending("actor").Ascending("action").Ascending("at")),
        ], cancellationToken);
    }

    private async Task<IReadOnlyList<AuditRecord>> ReadAsync(FilterDefinition<BsonDocument> filter, CancellationToken cancellationToken)
    {
        var documents = await Audit.Find(filter).Sort(Oldest).ToListAsync(cancellationToken);
        return documents.Select(d => SampleJson.FromJson<AuditRecord>(d["json"].AsString)).ToList();
    }
}
