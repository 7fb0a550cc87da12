using MongoDB.Bson;
using MongoDB.Driver;

namespace Synth.Store.Mongo;

/// <summary>
/// The dedup index on MongoDB. Each check first increments its scope's sequence document: inside a transaction
/// that write makes concurrent checks of one scope conflict, so the server retries all but one and the scope is
/// decided one sample at a time (first writer wins). A standalone server has no transactions: the steps then run
/// one by one, and only the exact hash is protected (by its unique _id) against a concurrent writer.
/// </summary>
public sealed class MongoDedupStore(MongoDatabaseContext context) : IDedupStore
{
    private static readonly FindOneAndUpdateOptions<BsonDocument> NextSequence = new() { IsUpsert = true, ReturnDocument = ReturnDocument.After };

    public async Task<T> CheckAndAddAsync<T>(DedupKeys keys, DedupLookupOptions options, Func<DedupLookup, DedupOutcome<T>> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(decide);
        if (!await context.SupportsTransactionsAsync(cancellationToken))
        {
            return await CheckAndAddCoreAsync(null, keys, options, decide, cancellationToken);
        }

        using var session = await context.Database.Client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync(
            (s, ct) => CheckAndAddCoreAsync(s, keys, options, decide, ct),
            cancellationToken: cancellationToken);
    }

    public async Task<bool> TryConsumeAsync(string counter, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counter);
        if (limit <= 0)
        {
            return false;
        }

        try
        {
            var counters = context.Database.GetCollection<BsonDocument>(MongoDedup.Counters);
            await counters.FindOneAndUpdateAsync(MongoDedup.CounterBelow(counter, limit), MongoDedup.TakeOne, NextSequence, cancellationToken);
            return true;
        }
        catch (MongoCommandException e) when (e.Code == MongoDedup.DuplicateKeyCode)
        {
            // The counter exists but is at its limit: the filter did not match, and the upsert's insert collided.
            return false;
        }
    }

    /// <remarks>
    /// A quota is one document holding its claimants, so a grant is a single-document update (atomic without a
    /// transaction); a quota's claimants must fit in a document (16 MB: some hundred thousand sample ids).
    /// </remarks>
    public async Task<bool> TryClaimSlotAsync(string quota, string claimant, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quota);
        ArgumentNullException.ThrowIfNull(claimant);
        var slots = context.Database.GetCollection<BsonDocument>(MongoDedup.QuotaSlots);
        if (limit > 0)
        {
            try
            {
                var granted = await slots.UpdateOneAsync(
                    MongoDedup.QuotaOpenTo(quota, claimant, limit), MongoDedup.GrantSlot(claimant), new UpdateOptions { IsUpsert = true }, cancellationToken);
                if (granted.ModifiedCount > 0 || granted.UpsertedId is not null)
                {
                    return true;
                }
            }
            catch (MongoWriteException e) when (e.WriteError.Code == MongoDedup.DuplicateKeyCode)
            {
                // The quota exists and is full or already held by the claimant: the upsert's insert collided.
            }
        }

        return await slots.Find(MongoDedup.QuotaHeldBy(quota, claimant)).AnyAsync(cancellationToken);
    }

    public async Task<long> CountSlotsAsync(string quota, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quota);
        var slots = context.Database.GetCollection<BsonDocument>(MongoDedup.QuotaSlots);
        var stored = await slots.Find(Builders<BsonDocument>.Filter.Eq("_id", quota))
            .Project(Builders<BsonDocument>.Projection.Include(MongoDedup.Used)).FirstOrDefaultAsync(cancellationToken);
        return stored?[MongoDedup.Used].ToInt64() ?? 0;
    }

    /// <summary>Called by <see cref="MongoDatabaseContext.InitializeAsync"/>.</summary>
    internal static async Task CreateIndexesAsync(MongoDatabaseContext context, CancellationToken cancellationToken) =>
        await context.Database.GetCollection<BsonDocument>(MongoDedup.Entries).Indexes.CreateManyAsync(MongoDedup.EntryIndexes(), cancellationToken);

    private async Task<T> CheckAndAddCoreAsync<T>(
        IClientSessionHandle? session, DedupKeys keys, DedupLookupOptions options, Func<DedupLookup, DedupOutcome<T>> decide, CancellationToken cancellationToken)
    {
        var scopes = context.Database.GetCollection<BsonDocument>(MongoDedup.Scopes);
        var entries = context.Database.GetCollection<BsonDocument>(MongoDedup.Entries);
        var hashes = context.Database.GetCollection<BsonDocument>(MongoDedup.Hashes);

        var scope = await (session is null
            ? scopes.FindOneAndUpdateAsync(MongoDedup.ScopeFilter(keys.Scope), MongoDedup.BumpSequence, NextSequence, cancellationToken)
            : scopes.FindOneAndUpdateAsync(session, MongoDedup.ScopeFilter(keys.Scope), MongoDedup.BumpSequence, NextSequence, cancellationToken));
        var sequence = scope[MongoDedup.Sequence].ToInt64();

        var own = await FindAsync(session, entries, MongoDedup.EntryFilter(keys.Scope, keys.SampleId), cancellationToken);
        var hash = (await FindAsync(session, hashes, MongoDedup.HashFilter(keys.Scope, keys.ExactHash), cancellationToken)).FirstOrDefault();
        var candidates = keys.BandKeys.Count == 0 ? [] : await FindAsync(session, entries, MongoDedup.BandFilter(keys.Scope, keys.BandKeys), cancellationToken);
        var vectors = options.VectorsAfterSequence is not { } after ? [] : await FindAsync(session, entries, MongoDedup.VectorFilter(keys.Scope, after), cancellationToken);

        var outcome = decide(new DedupLookup(
            own.Select(MongoDedup.ToEntry).FirstOrDefault(),
            hash?[MongoDedup.SampleId].AsString,
            [.. candidates.Select(MongoDedup.ToEntry)],
            [.. vectors.Select(MongoDedup.ToEntry)]));
        if (outcome.Record && own.Count == 0)
        {
            var entry = MongoDedup.NewEntry(keys, sequence);
            var claim = MongoDedup.HashClaim(keys.Scope, keys.ExactHash, keys.SampleId);
            var upsert = new UpdateOptions { IsUpsert = true };
            if (session is null)
            {
                await entries.InsertOneAsync(entry, cancellationToken: cancellationToken);
                await hashes.UpdateOneAsync(MongoDedup.HashFilter(keys.Scope, keys.ExactHash), claim, upsert, cancellationToken);
            }
            else
            {
                await entries.InsertOneAsync(session, entry, cancellationToken: cancellationToken);
                await hashes.UpdateOneAsync(session, MongoDedup.HashFilter(keys.Scope, keys.ExactHash), claim, upsert, cancellationToken);
            }
        }

        return outcome.Result;
    }

    private static async Task<List<BsonDocument>> FindAsync(IClientSessionHandle? session, IMongoCollection<BsonDocument> collection, FilterDefinition<BsonDocument> filter, CancellationToken cancellationToken)
    {
        var find = session is null ? collection.Find(filter) : collection.Find(session, filter);
        return await find.Sort(MongoDedup.InWriteOrder).ToListAsync(cancellationToken);
    }
}
