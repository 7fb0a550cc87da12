using MongoDB.Bson;
using MongoDB.Driver;

namespace Synth.Store.Mongo;

public sealed class MongoReportStore(MongoDatabaseContext context) : IReportStore
{
    public const string ReportsCollection = "reports";

    private IMongoCollection<BsonDocument> Reports => context.Database.GetCollection<BsonDocument>(ReportsCollection);

    public Task SaveReportAsync(StoredReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Reports.ReplaceOneAsync(MongoReports.ById(report.JobId), MongoReports.ToBson(report), MongoQueries.Upsert, cancellationToken);
    }

    public async Task<StoredReport?> GetReportAsync(string jobId, CancellationToken cancellationToken)
    {
        var document = await Reports.Find(MongoReports.ById(jobId)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : MongoReports.FromBson(document);
    }

    /// <summary>
    /// The reports collection is keyed by job id (<c>_id</c>), which needs no index of its own; this only makes sure
    /// the collection exists, so operators see it from the start (called from <see cref="MongoDatabaseContext.InitializeAsync"/>).
    /// </summary>
    internal static async Task CreateCollectionAsync(MongoDatabaseContext context, CancellationToken cancellationToken)
    {
        var names = await (await context.Database.ListCollectionNamesAsync(cancellationToken: cancellationToken)).ToListAsync(cancellationToken);
        if (!names.Contains(ReportsCollection))
        {
            try
            {
                await context.Database.CreateCollectionAsync(ReportsCollection, cancellationToken: cancellationToken);
            }
            catch (MongoCommandException e) when (e.CodeName == "NamespaceExists")
            {
                // Another process created it first.
            }
        }
    }
}
