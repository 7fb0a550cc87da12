using MongoDB.Driver;
using Synth.Contracts.Samples;

namespace Synth.Store.Mongo;

/// <summary>
/// The curated outbox on the samples collection: a partial index over the documents with a pending token, and marking
/// sent is one conditional $unset that leaves the version alone.
/// </summary>
public sealed class MongoCuratedOutboxStore(MongoDatabaseContext context) : ICuratedOutboxStore
{
    private static FilterDefinitionBuilder<SampleDocument> Filter => Builders<SampleDocument>.Filter;

    /// <summary>The samples waiting for a publish (the field is left out of the document when null).</summary>
    internal static FilterDefinition<SampleDocument> Pending { get; } = Filter.Exists(x => x.PendingCuratedPublish);

    internal static FilterDefinition<SampleDocument> PendingWith(string sampleId, string token) =>
        Filter.Eq(x => x.Id, sampleId) & Filter.Eq(x => x.PendingCuratedPublish, token);

    internal static UpdateDefinition<SampleDocument> Sent { get; } = Builders<SampleDocument>.Update.Unset(x => x.PendingCuratedPublish);

    /// <summary>On the token, not on _id: the _id index cannot be made partial, and the pending set is small enough to sort.</summary>
    internal static CreateIndexModel<SampleDocument> Index { get; } = new(
        Builders<SampleDocument>.IndexKeys.Ascending(x => x.PendingCuratedPublish),
        new CreateIndexOptions<SampleDocument> { Name = "curated_outbox", PartialFilterExpression = Pending });

    public async Task<IReadOnlyList<SampleDocument>> ReadPendingAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return await context.Samples.Find(Pending).Sort(Builders<SampleDocument>.Sort.Ascending(x => x.Id)).Limit(limit).ToListAsync(cancellationToken);
    }

    public async Task<bool> MarkSentAsync(string sampleId, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sampleId);
        ArgumentNullException.ThrowIfNull(token);
        var result = await context.Samples.UpdateOneAsync(PendingWith(sampleId, token), Sent, cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    /// <summary>Called by <see cref="MongoDatabaseContext.InitializeAsync"/>.</summary>
    internal static Task CreateIndexesAsync(MongoDatabaseContext context, CancellationToken cancellationToken) =>
        context.Samples.Indexes.CreateOneAsync(Index, cancellationToken: cancellationToken);
}
