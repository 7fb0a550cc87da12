using MongoDB.Bson;
using MongoDB.Driver;

namespace Synth.Store.Mongo;

/// <summary>
/// The dedup index on MongoDB. Each check first increments its scope's sequence document: inside a transaction
/// that write makes concurrent checks of one scope conflict, so the server retries all but one and the scope is
/// decided one sample at a time (first writer wins). A standalone server has no transactions: the steps then run
/// one by one, and only the exact hash is protected (by its unique _id) against a concurrent writer.
/// </summary>
public sealed partial class MongoSampleStore : IDedupStore
{
    private static readonly FindOneAndUpdateOptions<BsonDocument> NextSequence = new() { IsUpsert = true, ReturnDocument = ReturnDocument.After };

    public async Task<T> CheckAndAddAsync<T>(DedupKeys keys, DedupLookupOptions options, Func<DedupLookup, DedupOutcome<T>> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(decide);
        if (!await SupportsTransactionsAsync(cancellationToken))
        {
            return await CheckAndAddCoreAsync(null, keys, options, decide, cancellationToken);
        }

        using var session = await _database.Client.StartSessionAsync(cancellationToken: cancellationToken);
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
            var counters = _database.GetCollection<BsonDocument>(MongoDedup.Counters);
            await counters.FindOneAndUpdateAsync(MongoDedup.CounterBelow(counter, limit), MongoDedup.TakeOne, NextSequence, cancellationToken);
            return true;
        }
        catch (MongoCommandException e) when (e.Code == MongoDedup.DuplicateKeyCode)
        {
            // The counter exists but is at its limit: the filter did not match, and the upsert's insert collided.
            return false;
        }
    }

    private async Task InitializeDedupAsync(CancellationToken cancellationToken) =>
        await _database.GetCollection<BsonDocument>(MongoDedup.Entries).Indexes.CreateManyAsync(MongoDedup.EntryIndexes(), cancellationToken);

    private async Task<T> CheckAndAddCoreAsync<T>(
        IClientSessionHandle? session, DedupKeys keys, DedupLookupOptions options, Func<DedupLookup, DedupOutcome<T>> decide, CancellationToken cancellationToken)
    {
        var scopes = _database.GetCollection<BsonDocument>(MongoDedup.Scopes);
        var entries = _database.GetCollection<BsonDocument>(MongoDedup.Entries);
        var hashes = _database.GetCollection<BsonDocument>(MongoDedup.Hashes);

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

/// <summary>The dedup collections, filters, updates and indexes; built here so tests can render them without a server.</summary>
internal static class MongoDedup
{
    public const string Scopes = "dedupScopes";
    public const string Entries = "dedupEntries";
    public const string Hashes = "dedupHashes";
    public const string Counters = "usageCounters";
    public const string Scope = "scope";
    public const string SampleId = "sampleId";
    public const string Sequence = "seq";
    public const string Shingles = "shingles";
    public const string BandKeys = "bandKeys";
    public const string Embedding = "embedding";
    public const string Used = "used";
    public const int DuplicateKeyCode = 11000;

    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    public static SortDefinition<BsonDocument> InWriteOrder { get; } = Builders<BsonDocument>.Sort.Ascending(Sequence);

    public static UpdateDefinition<BsonDocument> BumpSequence { get; } = Builders<BsonDocument>.Update.Inc(Sequence, 1L);

    public static UpdateDefinition<BsonDocument> TakeOne { get; } = Builders<BsonDocument>.Update.Inc(Used, 1L);

    /// <summary>An entry's _id joins scope and sample id with a newline, which neither contains.</summary>
    public static string EntryId(string scope, string sampleId) => $"{scope}\n{sampleId}";

    public static string HashId(string scope, string hash) => $"{scope}\n{hash}";

    public static FilterDefinition<BsonDocument> ScopeFilter(string scope) => Filter.Eq("_id", scope);

    public static FilterDefinition<BsonDocument> EntryFilter(string scope, string sampleId) => Filter.Eq("_id", EntryId(scope, sampleId));

    public static FilterDefinition<BsonDocument> HashFilter(string scope, string hash) => Filter.Eq("_id", HashId(scope, hash));

    public static FilterDefinition<BsonDocument> BandFilter(string scope, IEnumerable<string> bandKeys) =>
        Filter.Eq(Scope, scope) & Filter.In(BandKeys, bandKeys);

    public static FilterDefinition<BsonDocument> VectorFilter(string scope, long afterSequence) =>
        Filter.Eq(Scope, scope) & Filter.Gt(Sequence, afterSequence) & Filter.Exists(Embedding);

    public static FilterDefinition<BsonDocument> CounterBelow(string counter, long limit) => Filter.Eq("_id", counter) & Filter.Lt(Used, limit);

    /// <summary>The first claim of a hash sets its owner; later upserts change nothing.</summary>
    public static UpdateDefinition<BsonDocument> HashClaim(string scope, string hash, string sampleId) =>
        Builders<BsonDocument>.Update.SetOnInsert(Scope, scope).SetOnInsert("hash", hash).SetOnInsert(SampleId, sampleId);

    public static IReadOnlyList<CreateIndexModel<BsonDocument>> EntryIndexes()
    {
        var keys = Builders<BsonDocument>.IndexKeys;
        return
        [
            new(keys.Ascending(Scope).Ascending(BandKeys).Ascending(Sequence), new CreateIndexOptions { Name = "scope_bandKeys_seq" }),
            new(keys.Ascending(Scope).Ascending(Sequence), new CreateIndexOptions { Name = "scope_seq" }),
        ];
    }

    public static BsonDocument NewEntry(DedupKeys keys, long sequence)
    {
        var entry = new BsonDocument
        {
            ["_id"] = EntryId(keys.Scope, keys.SampleId),
            [Scope] = keys.Scope,
            [SampleId] = keys.SampleId,
            [Sequence] = sequence,
            [Shingles] = new BsonArray(keys.Shingles),
            [BandKeys] = new BsonArray(keys.BandKeys),
        };
        if (keys.Embedding is { } embedding)
        {
            entry[Embedding] = new BsonArray(embedding.Select(value => (double)value));
        }

        return entry;
    }

    public static DedupStoredEntry ToEntry(BsonDocument document) => new(
        document[Sequence].ToInt64(),
        document[SampleId].AsString,
        document.TryGetValue(Shingles, out var shingles) ? [.. shingles.AsBsonArray.Select(value => value.AsString)] : [],
        document.TryGetValue(Embedding, out var embedding) ? [.. embedding.AsBsonArray.Select(value => (float)value.ToDouble())] : null);
}
