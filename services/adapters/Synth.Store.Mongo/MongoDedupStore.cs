using MongoDB.Bson;
using MongoDB.Driver;

namespace Synth.Store.Mongo;

/// <summary>
/// The dedup index on MongoDB. The checks that arrive while a batch is decided are decided together in the next
/// (<see cref="GroupCommit{TItem, TResult}"/>), one scope at a time, with a few round trips per batch
/// (<see cref="MongoDedupBatch"/>): in arrival order, each seeing what the ones before it recorded. Each scope's batch
/// runs in a transaction that first takes its sequence numbers from the scope's sequence document: that write makes
/// concurrent batches of one scope conflict, so the server retries all but one and the scope is decided one batch at a
/// time (first writer wins). A standalone server has no transactions: the steps then run one by one, and only the
/// exact hash is protected (by its claim's unique _id) against a concurrent writer: a check whose claim another process
/// made first is checked again, with the checks after it.
/// </summary>
public sealed class MongoDedupStore : IDedupStore
{
    private readonly MongoDatabaseContext _context;
    // Check-and-adds of concurrent callers (a filter's messages in flight) share one batch.
    private readonly GroupCommit<DedupCheck, DedupCheckResult> _checks;

    public MongoDedupStore(MongoDatabaseContext context)
    {
        _context = context;
        _checks = new(CheckBatchAsync);
    }

    /// <remarks>A <paramref name="decide"/> that throws fails its own call only.</remarks>
    public async Task<T> CheckAndAddAsync<T>(DedupKeys keys, DedupLookupOptions options, Func<DedupLookup, DedupOutcome<T>> decide, CancellationToken cancellationToken)
    {
        var result = await _checks.SubmitAsync(DedupCheck.Of(keys, options, decide), cancellationToken).ConfigureAwait(false);
        return result.Get<T>();
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
            var counters = _context.Database.GetCollection<BsonDocument>(MongoDedup.Counters);
            await counters.FindOneAndUpdateAsync(MongoDedup.CounterBelow(counter, limit), MongoDedup.TakeOne, MongoDedup.ReturnUpserted, cancellationToken);
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
        var slots = _context.Database.GetCollection<BsonDocument>(MongoDedup.QuotaSlots);
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
        var slots = _context.Database.GetCollection<BsonDocument>(MongoDedup.QuotaSlots);
        var stored = await slots.Find(Builders<BsonDocument>.Filter.Eq("_id", quota))
            .Project(Builders<BsonDocument>.Projection.Include(MongoDedup.Used)).FirstOrDefaultAsync(cancellationToken);
        return stored?[MongoDedup.Used].ToInt64() ?? 0;
    }

    /// <summary>Called by <see cref="MongoDatabaseContext.InitializeAsync"/>.</summary>
    internal static async Task CreateIndexesAsync(MongoDatabaseContext context, CancellationToken cancellationToken) =>
        await context.Database.GetCollection<BsonDocument>(MongoDedup.Entries).Indexes.CreateManyAsync(MongoDedup.EntryIndexes(), cancellationToken);

    private async Task<IReadOnlyList<DedupCheckResult>> CheckBatchAsync(IReadOnlyList<DedupCheck> checks, CancellationToken cancellationToken)
    {
        var results = new DedupCheckResult[checks.Count];
        // Scopes never see each other's entries, so each scope's checks are decided on their own.
        foreach (var scope in Enumerable.Range(0, checks.Count).GroupBy(i => checks[i].Keys.Scope, StringComparer.Ordinal))
        {
            var pending = scope.ToList();
            while (pending.Count > 0)
            {
                var decided = await CheckScopeAsync(scope.Key, [.. pending.Select(i => checks[i])], cancellationToken);
                for (var i = 0; i < decided.Count; i++)
                {
                    results[pending[i]] = decided[i];
                }

                pending = pending[decided.Count..];
            }
        }

        return results;
    }

    /// <summary>Decides the checks of one scope; returns the results of those that stand, the first ones.</summary>
    private async Task<IReadOnlyList<DedupCheckResult>> CheckScopeAsync(string scope, IReadOnlyList<DedupCheck> checks, CancellationToken cancellationToken)
    {
        if (!await _context.SupportsTransactionsAsync(cancellationToken))
        {
            return await DecideAsync(null, scope, checks, cancellationToken);
        }

        using var session = await _context.Database.Client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync((s, ct) => DecideAsync(s, scope, checks, ct), cancellationToken: cancellationToken);
    }

    private async Task<IReadOnlyList<DedupCheckResult>> DecideAsync(IClientSessionHandle? session, string scope, IReadOnlyList<DedupCheck> checks, CancellationToken cancellationToken)
    {
        var batch = await MongoDedupBatch.ReadAsync(_context.Database, session, scope, [.. checks.Select(check => (check.Keys, check.Options))], cancellationToken);
        var results = new List<DedupCheckResult>(checks.Count);
        for (var i = 0; i < checks.Count; i++)
        {
            var (result, record) = checks[i].Decide(batch.Lookup(checks[i].Keys, checks[i].Options));
            if (record)
            {
                batch.Record(i, checks[i].Keys);
            }

            results.Add(result);
        }

        var standing = await batch.WriteAsync(_context.Database, session, checks.Count, cancellationToken);
        return results[..standing];
    }
}
