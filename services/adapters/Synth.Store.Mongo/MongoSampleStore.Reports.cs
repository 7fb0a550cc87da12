using MongoDB.Bson;
using MongoDB.Driver;

namespace Synth.Store.Mongo;

public sealed partial class MongoSampleStore : IReportStore
{
    public const string ReportsCollection = "reports";

    private IMongoCollection<BsonDocument> Reports => _database.GetCollection<BsonDocument>(ReportsCollection);

    public Task SaveReportAsync(StoredReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Reports.ReplaceOneAsync(MongoReports.ById(report.JobId), MongoReports.ToBson(report), Upsert, cancellationToken);
    }

    public async Task<StoredReport?> GetReportAsync(string jobId, CancellationToken cancellationToken)
    {
        var document = await Reports.Find(MongoReports.ById(jobId)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : MongoReports.FromBson(document);
    }

    /// <summary>
    /// The reports collection is keyed by job id (<c>_id</c>), which needs no index of its own; this only makes sure
    /// the collection exists, so operators see it from the start (called from <see cref="InitializeAsync"/>).
    /// </summary>
    private async Task CreateReportCollectionAsync(CancellationToken cancellationToken)
    {
        var names = await (await _database.ListCollectionNamesAsync(cancellationToken: cancellationToken)).ToListAsync(cancellationToken);
        if (!names.Contains(ReportsCollection))
        {
            try
            {
                await _database.CreateCollectionAsync(ReportsCollection, cancellationToken: cancellationToken);
            }
            catch (MongoCommandException e) when (e.CodeName == "NamespaceExists")
            {
                // Another process created it first.
            }
        }
    }
}

/// <summary>The BSON shape of a stored report: <c>{ _id: jobId, createdAt: UTC date, createdAtOffset: minutes, json: text }</c>.</summary>
public static class MongoReports
{
    public static FilterDefinition<BsonDocument> ById(string jobId) => Builders<BsonDocument>.Filter.Eq("_id", jobId);

    public static BsonDocument ToBson(StoredReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new BsonDocument
        {
            ["_id"] = report.JobId,
            ["createdAt"] = new BsonDateTime(report.CreatedAt.UtcDateTime),
            ["createdAtOffset"] = (int)report.CreatedAt.Offset.TotalMinutes,
            ["json"] = report.Json,
        };
    }

    public static StoredReport FromBson(BsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var offset = TimeSpan.FromMinutes(document["createdAtOffset"].AsInt32);
        var created = new DateTimeOffset(document["createdAt"].ToUniversalTime(), TimeSpan.Zero).ToOffset(offset);
        return new StoredReport(document["_id"].AsString, created, document["json"].AsString);
    }
}
