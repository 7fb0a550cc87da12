using MongoDB.Bson;

namespace Synth.Store.Mongo.Tests;

/// <summary>
/// A batch's decisions in memory, from documents as the server returns them: each check sees what was stored and what
/// the checks before it recorded, and the batch writes one claim per newly owned hash and one entry per recorded check.
/// </summary>
public sealed class DedupBatchTests
{
    private const string Scope = "job:j";

    private static readonly DedupLookupOptions NoVectors = new(null);

    private static DedupKeys Keys(string sampleId, string hash, string[] bands, float[]? embedding = null) =>
        new(Scope, sampleId, hash, bands, [$"{sampleId} shingle"], embedding);

    private static BsonDocument Stored(string sampleId, long sequence, string[] bands, float[]? embedding = null) =>
        MongoDedup.NewEntry(Keys(sampleId, $"hash-{sampleId}", bands, embedding), sequence);

    [Fact]
    public void A_check_sees_the_stored_entries_and_claims_its_keys_name()
    {
        var batch = new MongoDedupBatch(
            Scope, 10,
            [Stored("old-1", 1, ["b1", "b2"]), Stored("old-2", 2, ["b2"])],
            [MongoDedup.NewHashClaim(Scope, "hash-old-1", "old-1")],
            [Stored("v1", 3, [], [1, 0])]);

        var lookup = batch.Lookup(Keys("old-2", "hash-old-1", ["b2", "b1"]), new DedupLookupOptions(0));

        Assert.Equal("old-2", lookup.OwnEntry?.SampleId);
        Assert.Equal("old-1", lookup.ExactOwner);
        Assert.Equal(["old-1", "old-2"], lookup.BandCandidates.Select(c => c.SampleId));
        Assert.Equal(["old-1 shingle"], lookup.BandCandidates[0].Shingles);
        Assert.Equal([1f, 0f], Assert.Single(lookup.Vectors).Embedding!);
        Assert.Empty(batch.Lookup(Keys("v1", "hash-v1", []), new DedupLookupOptions(3)).Vectors);
    }

    [Fact]
    public void A_later_check_sees_what_an_earlier_one_of_the_batch_recorded_with_the_reserved_sequence_numbers()
    {
        var batch = new MongoDedupBatch(Scope, 10, [Stored("old", 1, ["b1"])], [], []);

        Assert.Null(batch.Lookup(Keys("first", "h", ["b2"]), NoVectors).ExactOwner);
        batch.Record(0, Keys("first", "h", ["b2"], [0, 1]));
        var second = batch.Lookup(Keys("second", "h", ["b1", "b2"]), new DedupLookupOptions(0));
        batch.Record(2, Keys("third", "h", ["b3"]));

        Assert.Equal("first", second.ExactOwner);
        Assert.Equal([(1L, "old"), (10L, "first")], second.BandCandidates.Select(c => (c.Sequence, c.SampleId)));
        Assert.Equal((10L, "first"), (Assert.Single(second.Vectors).Sequence, second.Vectors[0].SampleId));
        Assert.Equal(11L, batch.Lookup(Keys("third", "x", []), NoVectors).OwnEntry?.Sequence);
        // The hash was claimed once, by the first; both recorded samples are entries.
        var (check, claim) = Assert.Single(batch.Claims);
        Assert.Equal(0, check);
        Assert.Equal("""{ "_id" : "job:j\nh", "scope" : "job:j", "hash" : "h", "sampleId" : "first" }""", Bson.Json(claim));
        Assert.Equal([(0, "job:j\nfirst", 10L), (2, "job:j\nthird", 11L)], batch.Entries.Select(e => (e.Check, e.Entry["_id"].AsString, e.Entry["seq"].AsInt64)));
    }
}
