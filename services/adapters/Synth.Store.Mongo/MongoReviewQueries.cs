using MongoDB.Bson;
using MongoDB.Driver;
using Synth.Contracts.Samples;

namespace Synth.Store.Mongo;

/// <summary>The review queue's filters, sorts, updates and indexes; built here so tests can render them without a server.</summary>
internal static class MongoReviewQueries
{
    private static FilterDefinitionBuilder<SampleDocument> Filter => Builders<SampleDocument>.Filter;

    public static FilterDefinition<SampleDocument> PendingOf(string? jobId)
    {
        var pending = Filter.Eq(x => x.Review!.Status, ReviewStatus.Pending);
        return jobId is null ? pending : Filter.Eq(x => x.JobId, jobId) & pending;
    }

    /// <summary>A pending task nobody holds: never leased, or its lease ran out (the lease's UTC instant, element DateTime).</summary>
    public static FilterDefinition<SampleDocument> Leasable(string? jobId, DateTimeOffset now) =>
        PendingOf(jobId) & (Filter.Eq(x => x.Review!.LeaseExpiresAt, null) | Filter.Lte("review.leaseExpiresAt.DateTime", new BsonDateTime(now.UtcDateTime)));

    public static FilterDefinition<SampleDocument> Leased(string jobId, DateTimeOffset now) =>
        PendingOf(jobId) & Filter.Gt("review.leaseExpiresAt.DateTime", new BsonDateTime(now.UtcDateTime));

    public static FilterDefinition<SampleDocument> Answered(string jobId, ReviewStatus status) =>
        Filter.Eq(x => x.JobId, jobId) & Filter.Eq(x => x.Review!.Status, status);

    /// <summary>Most uncertain first, then id: the same order as the SQLite store.</summary>
    public static SortDefinition<SampleDocument> QueueOrder { get; } =
        Builders<SampleDocument>.Sort.Descending(x => x.Review!.Priority).Ascending(x => x.Id);

    public static UpdateDefinition<SampleDocument> Lease(string reviewer, string token, DateTimeOffset expiresAt) =>
        Builders<SampleDocument>.Update
            .Set(x => x.Review!.LeasedBy, reviewer)
            .Set(x => x.Review!.LeaseToken, token)
            .Set(x => x.Review!.LeaseExpiresAt, expiresAt)
            .Inc(x => x.Version, 1L);

    public static IReadOnlyList<CreateIndexModel<SampleDocument>> Indexes()
    {
        var keys = Builders<SampleDocument>.IndexKeys;
        return
        [
            new(keys.Descending(x => x.Review!.Priority).Ascending(x => x.Id),
                new CreateIndexOptions<SampleDocument> { Name = "review_queue", PartialFilterExpression = Filter.Eq(x => x.Review!.Status, ReviewStatus.Pending) }),
            new(keys.Ascending(x => x.JobId).Descending(x => x.Review!.Priority).Ascending(x => x.Id),
                new CreateIndexOptions<SampleDocument> { Name = "jobId_review_queue", PartialFilterExpression = Filter.Eq(x => x.Review!.Status, ReviewStatus.Pending) }),
            new(keys.Ascending(x => x.JobId).Ascending(x => x.Review!.Status),
                new CreateIndexOptions<SampleDocument> { Name = "jobId_review_status", PartialFilterExpression = Filter.Exists(x => x.Review) }),
        ];
    }
}
