using MongoDB.Bson;
using MongoDB.Driver;

namespace Synth.Store.Mongo;

/// <summary>
/// One scope's checks of a batch. <see cref="ReadAsync"/> reserves a sequence number per check and reads what the
/// checks' keys name with one query per kind of key (own entries, hash owners, band candidates, vectors); each check
/// then sees that plus what the checks before it recorded, exactly what it would see on its own. What the checks
/// record is written by <see cref="WriteAsync"/>: the hash claims in one ordered insert, the entries in one unordered one.
/// </summary>
internal sealed class MongoDedupBatch
{
    private readonly string _scope;
    private long _nextSequence;
    private readonly Dictionary<string, DedupStoredEntry> _own = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);
    // Each band key's entries in write order.
    private readonly Dictionary<string, List<DedupStoredEntry>> _bands = new(StringComparer.Ordinal);
    private readonly List<DedupStoredEntry> _vectors = [];
    private readonly List<(int Check, BsonDocument Claim)> _claims = [];
    private readonly List<(int Check, BsonDocument Entry)> _entries = [];

    /// <param name="firstSequence">The first of the sequence numbers reserved for the batch.</param>
    /// <param name="stored">Own entries and band candidates (with band keys), in write order.</param>
    /// <param name="hashes">Claims of the checks' hashes.</param>
    /// <param name="vectors">Entries with embeddings after the smallest sequence asked, in write order.</param>
    public MongoDedupBatch(string scope, long firstSequence, IEnumerable<BsonDocument> stored, IEnumerable<BsonDocument> hashes, IEnumerable<BsonDocument> vectors)
    {
        _scope = scope;
        _nextSequence = firstSequence;
        foreach (var document in stored)
        {
            Index(MongoDedup.ToEntry(document), document[MongoDedup.BandKeys].AsBsonArray.Select(key => key.AsString));
        }

        foreach (var claim in hashes)
        {
            _owners[claim[MongoDedup.Hash].AsString] = claim[MongoDedup.SampleId].AsString;
        }

        _vectors.AddRange(vectors.Select(MongoDedup.ToEntry));
    }

    /// <summary>The hash claims to insert, in batch order, with the index of the check that made each.</summary>
    public IReadOnlyList<(int Check, BsonDocument Claim)> Claims => _claims;

    public IReadOnlyList<(int Check, BsonDocument Entry)> Entries => _entries;

    public static async Task<MongoDedupBatch> ReadAsync(
        IMongoDatabase database, IClientSessionHandle? session, string scope, IReadOnlyList<(DedupKeys Keys, DedupLookupOptions Options)> checks,
        CancellationToken cancellationToken)
    {
        var scopes = database.GetCollection<BsonDocument>(MongoDedup.Scopes);
        var entries = database.GetCollection<BsonDocument>(MongoDedup.Entries);
        var hashes = database.GetCollection<BsonDocument>(MongoDedup.Hashes);

        // In a transaction this write also makes concurrent batches of the scope conflict, so they are decided one after another.
        var reserve = MongoDedup.ReserveSequences(checks.Count);
        var reserved = await (session is null
            ? scopes.FindOneAndUpdateAsync(MongoDedup.ScopeFilter(scope), reserve, MongoDedup.ReturnUpserted, cancellationToken)
            : scopes.FindOneAndUpdateAsync(session, MongoDedup.ScopeFilter(scope), reserve, MongoDedup.ReturnUpserted, cancellationToken));
        var firstSequence = reserved[MongoDedup.Sequence].ToInt64() - checks.Count + 1;

        var bandKeys = checks.SelectMany(check => check.Keys.BandKeys).Distinct(StringComparer.Ordinal).ToList();
        var stored = await FindAsync(session, entries, MongoDedup.EntriesFilter(scope, checks.Select(check => check.Keys.SampleId)), MongoDedup.EntryFields, cancellationToken);
        if (bandKeys.Count > 0)
        {
            stored = [.. stored.Concat(await FindAsync(session, entries, MongoDedup.BandFilter(scope, bandKeys), MongoDedup.EntryFields, cancellationToken))
                .DistinctBy(document => document[MongoDedup.Sequence].ToInt64())
                .OrderBy(document => document[MongoDedup.Sequence].ToInt64())];
        }

        var claims = await FindClaimsAsync(session, hashes, MongoDedup.HashesFilter(scope, checks.Select(check => check.Keys.ExactHash).Distinct(StringComparer.Ordinal)), cancellationToken);
        var vectors = checks.Select(check => check.Options.VectorsAfterSequence).Min() is { } after
            ? await FindAsync(session, entries, MongoDedup.VectorFilter(scope, after), MongoDedup.VectorFields, cancellationToken)
            : [];
        return new MongoDedupBatch(scope, firstSequence, stored, claims, vectors);
    }

    /// <summary>What the store holds for <paramref name="keys"/> now: what was read, plus what the batch recorded since.</summary>
    public DedupLookup Lookup(DedupKeys keys, DedupLookupOptions options)
    {
        var candidates = keys.BandKeys
            .SelectMany(key => _bands.TryGetValue(key, out var entries) ? entries : [])
            .DistinctBy(entry => entry.Sequence)
            .OrderBy(entry => entry.Sequence)
            .ToList();
        var vectors = options.VectorsAfterSequence is not { } after ? [] : _vectors.Where(vector => vector.Sequence > after).ToList();
        return new DedupLookup(_own.GetValueOrDefault(keys.SampleId), _owners.GetValueOrDefault(keys.ExactHash), candidates, vectors);
    }

    /// <summary>Adds the sample of check <paramref name="check"/> (its index in the batch) to the index, and claims its hash if unclaimed.</summary>
    public void Record(int check, DedupKeys keys)
    {
        var sequence = _nextSequence++;
        _entries.Add((check, MongoDedup.NewEntry(keys, sequence)));
        if (_owners.TryAdd(keys.ExactHash, keys.SampleId))
        {
            _claims.Add((check, MongoDedup.NewHashClaim(_scope, keys.ExactHash, keys.SampleId)));
        }

        Index(new DedupStoredEntry(sequence, keys.SampleId, keys.Shingles, null), keys.BandKeys);
        if (keys.Embedding is not null)
        {
            _vectors.Add(new DedupStoredEntry(sequence, keys.SampleId, [], keys.Embedding));
        }
    }

    /// <summary>
    /// Writes what the checks recorded and returns how many checks, from the first, stand. Fewer than all only without
    /// a transaction, when another process claimed a hash first: that check and the ones after it must be checked again,
    /// and none of their entries is written.
    /// </summary>
    public async Task<int> WriteAsync(IMongoDatabase database, IClientSessionHandle? session, int checks, CancellationToken cancellationToken)
    {
        var standing = checks;
        if (_claims.Count > 0)
        {
            var hashes = database.GetCollection<BsonDocument>(MongoDedup.Hashes);
            var claims = _claims.Select(claim => claim.Claim);
            try
            {
                await (session is null
                    ? hashes.InsertManyAsync(claims, MongoDedup.ClaimsInBatchOrder, cancellationToken)
                    : hashes.InsertManyAsync(session, claims, MongoDedup.ClaimsInBatchOrder, cancellationToken));
            }
            catch (MongoBulkWriteException<BsonDocument> e) when (session is null && e.WriteErrors.All(error => error.Category == ServerErrorCategory.DuplicateKey))
            {
                standing = _claims[e.WriteErrors.Min(error => error.Index)].Check;
            }
        }

        var entries = _entries.Where(entry => entry.Check < standing).Select(entry => entry.Entry).ToList();
        if (entries.Count > 0)
        {
            var collection = database.GetCollection<BsonDocument>(MongoDedup.Entries);
            try
            {
                await (session is null
                    ? collection.InsertManyAsync(entries, MongoDedup.EntriesInAnyOrder, cancellationToken)
                    : collection.InsertManyAsync(session, entries, MongoDedup.EntriesInAnyOrder, cancellationToken));
            }
            catch (MongoBulkWriteException<BsonDocument> e) when (session is null && e.WriteErrors.All(error => error.Category == ServerErrorCategory.DuplicateKey))
            {
                // Another process recorded the same sample meanwhile (a redelivery): it is in the index either way.
            }
        }

        return standing;
    }

    private void Index(DedupStoredEntry entry, IEnumerable<string> bandKeys)
    {
        _own[entry.SampleId] = entry;
        foreach (var key in bandKeys)
        {
            if (!_bands.TryGetValue(key, out var entries))
            {
                entries = [];
                _bands[key] = entries;
            }

            entries.Add(entry);
        }
    }

    private static async Task<List<BsonDocument>> FindAsync(
        IClientSessionHandle? session, IMongoCollection<BsonDocument> collection, FilterDefinition<BsonDocument> filter,
        ProjectionDefinition<BsonDocument> fields, CancellationToken cancellationToken)
    {
        var find = session is null ? collection.Find(filter) : collection.Find(session, filter);
        return await find.Project(fields).Sort(MongoDedup.InWriteOrder).ToListAsync(cancellationToken);
    }

    private static async Task<List<BsonDocument>> FindClaimsAsync(
        IClientSessionHandle? session, IMongoCollection<BsonDocument> hashes, FilterDefinition<BsonDocument> filter, CancellationToken cancellationToken) =>
        await (session is null ? hashes.Find(filter) : hashes.Find(session, filter)).ToListAsync(cancellationToken);
}
