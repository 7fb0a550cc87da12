using MongoDB.Bson;
using MongoDB.Driver;

namespace Synth.Store.Mongo;

/// <summary>The dedup collections, filters, updates and indexes; built here so tests can render them without a server.</summary>
internal static class MongoDedup
{
    public const string Scopes = "dedupScopes";
    public const string Entries = "dedupEntries";
    public const string Hashes = "dedupHashes";
    public const string Counters = "usageCounters";
    public const string QuotaSlots = "quotaSlots";
    public const string Claimants = "claimants";
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

    /// <summary>A quota with a free slot that <paramref name="claimant"/> does not hold yet.</summary>
    public static FilterDefinition<BsonDocument> QuotaOpenTo(string quota, string claimant, long limit) =>
        Filter.Eq("_id", quota) & Filter.Ne(Claimants, claimant) & Filter.Lt(Used, limit);

    public static FilterDefinition<BsonDocument> QuotaHeldBy(string quota, string claimant) =>
        Filter.Eq("_id", quota) & Filter.Eq(Claimants, claimant);

    public static UpdateDefinition<BsonDocument> GrantSlot(string claimant) =>
        Builders<BsonDocument>.Update.Push(Claimants, claimant).Inc(Used, 1L);

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
