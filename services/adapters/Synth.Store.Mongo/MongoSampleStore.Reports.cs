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
