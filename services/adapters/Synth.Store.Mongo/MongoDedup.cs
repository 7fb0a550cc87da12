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
    public const string Hash = "hash";
    public const int DuplicateKeyCode = 11000;

    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    /// <summary>Creates the counter or scope document when missing and returns it as updated.</summary>
    public static FindOneAndUpdateOptions<BsonDocument> ReturnUpserted { get; } = new() { IsUpsert = true, ReturnDocument = ReturnDocument.After };

    public static SortDefinition<BsonDocument> InWriteOrder { get; } = Builders<BsonDocument>.Sort.Ascending(Sequence);

    /// <summary>Band candidates and own entries need no embedding; vectors need neither shingles nor band keys.</summary>
    public static ProjectionDefinition<BsonDocument> EntryFields { get; } = Builders<BsonDocument>.Projection.Exclude(Embedding);

    public static ProjectionDefinition<BsonDocument> VectorFields { get; } = Builders<BsonDocument>.Projection.Exclude(Shingles).Exclude(BandKeys);

    /// <summary>
    /// Hash claims are inserted in batch order and stop at the first one another process made first, so the checks
    /// before it stand and the ones from it on are checked again (they may have relied on it).
    /// </summary>
    public static InsertManyOptions ClaimsInBatchOrder { get; } = new() { IsOrdered = true };

    /// <summary>Entries go in any order: a duplicate key only means another process recorded the same sample (a redelivery).</summary>
    public static InsertManyOptions EntriesInAnyOrder { get; } = new() { IsOrdered = false };

    public static UpdateDefinition<BsonDocument> TakeOne { get; } = Builders<BsonDocument>.Update.Inc(Used, 1L);

    /// <summary>An entry's _id joins scope and sample id with a newline, which neither contains.</summary>
    public static string EntryId(string scope, string sampleId) => $"{scope}\n{sampleId}";

    public static string HashId(string scope, string hash) => $"{scope}\n{hash}";

    public static FilterDefinition<BsonDocument> ScopeFilter(string scope) => Filter.Eq("_id", scope);

    /// <summary>Sequence numbers for a batch of <paramref name="count"/> checks, taken at once (the ones not recorded are skipped).</summary>
    public static UpdateDefinition<BsonDocument> ReserveSequences(int count) => Builders<BsonDocument>.Update.Inc(Sequence, (long)count);

    public static FilterDefinition<BsonDocument> EntriesFilter(string scope, IEnumerable<string> sampleIds) =>
        Filter.In("_id", sampleIds.Select(sampleId => EntryId(scope, sampleId)));

    public static FilterDefinition<BsonDocument> HashesFilter(string scope, IEnumerable<string> hashes) =>
        Filter.In("_id", hashes.Select(hash => HashId(scope, hash)));

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

    /// <summary>The first sample to insert a hash's claim owns it; its unique _id turns a later insert away.</summary>
    public static BsonDocument NewHashClaim(string scope, string hash, string sampleId) => new()
    {
        ["_id"] = HashId(scope, hash),
        [Scope] = scope,
        [Hash] = hash,
        [SampleId] = sampleId,
    };

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
