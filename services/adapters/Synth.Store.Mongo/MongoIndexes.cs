using MongoDB.Driver;
using Synth.Contracts.Samples;

namespace Synth.Store.Mongo;

/// <summary>The indexes <see cref="MongoDatabaseContext.InitializeAsync"/> creates; each ends in _id so keyset paging needs no sort.</summary>
internal static class MongoIndexes
{
    public static IReadOnlyList<CreateIndexModel<SampleDocument>> ForSamples()
    {
        var keys = Builders<SampleDocument>.IndexKeys;
        return
        [
            new(keys.Ascending(x => x.JobId).Ascending(x => x.State).Ascending(x => x.Id), new CreateIndexOptions { Name = "jobId_state_id" }),
            new(keys.Ascending(x => x.JobId).Ascending(x => x.Content.Label).Ascending(x => x.Id), new CreateIndexOptions { Name = "jobId_label_id" }),
            new(keys.Ascending(x => x.JobId).Ascending(x => x.Id), new CreateIndexOptions { Name = "jobId_id" }),
        ];
    }

    /// <summary>Unique: a request id is derived from (job, index), so two records for one index are a bug.</summary>
    public static IReadOnlyList<CreateIndexModel<RequestRecord>> ForRequests()
    {
        var keys = Builders<RequestRecord>.IndexKeys;
        return [new(keys.Ascending(x => x.JobId).Ascending(x => x.Index), new CreateIndexOptions { Name = "jobId_index", Unique = true })];
    }

    public static IReadOnlyList<CreateIndexModel<FailureDocument>> ForFailures()
    {
        var keys = Builders<FailureDocument>.IndexKeys;
        return [new(keys.Ascending(x => x.JobId).Ascending(x => x.Id), new CreateIndexOptions { Name = "jobId_id" })];
    }
}
