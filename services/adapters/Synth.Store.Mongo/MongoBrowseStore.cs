using System.Text.RegularExpressions;
using MongoDB.Bson;
using MongoDB.Driver;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Store.Mongo;

/// <summary>Job listing and the sample browser, paged by <c>_id</c>.</summary>
public sealed class MongoBrowseStore(MongoDatabaseContext context) : IBrowseStore
{
    public async Task<Page<JobDocument>> ListJobsAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var items = await context.Jobs.Find(MongoBrowseQueries.Jobs(afterId)).Sort(MongoBrowseQueries.JobOrder).Limit(limit + 1).ToListAsync(cancellationToken);
        return PageOf(items, limit, job => job.Id);
    }

    public async Task<Page<SampleDocument>> BrowseSamplesAsync(SampleBrowseQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        if (query.States() is { Count: 0 })
        {
            return new Page<SampleDocument>([], null);
        }

        var items = await context.Samples.Find(MongoBrowseQueries.Samples(query)).Sort(MongoQueries.SampleSort).Limit(query.Limit + 1).ToListAsync(cancellationToken);
        return PageOf(items, query.Limit, sample => sample.Id);
    }

    /// <summary><paramref name="items"/> holds up to limit + 1: the extra one only says a next page exists.</summary>
    private static Page<T> PageOf<T>(List<T> items, int limit, Func<T, string> id) =>
        items.Count > limit ? new Page<T>(items[..limit], id(items[limit - 1])) : new Page<T>(items, null);
}
