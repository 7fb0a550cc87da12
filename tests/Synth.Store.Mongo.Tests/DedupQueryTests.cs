namespace Synth.Store.Mongo.Tests;

/// <summary>The dedup index's filters, updates, indexes and documents, rendered without a server.</summary>
public sealed class DedupQueryTests
{
    [Fact]
    public void Band_candidates_are_looked_up_by_scope_and_any_band_key_in_write_order()
    {
        Assert.Equal(
            """{ "scope" : "job:j", "bandKeys" : { "$in" : ["0-ab", "1-cd"] } }""",
            Bson.Json(Bson.Render(MongoDedup.BandFilter("job:j", ["0-ab", "1-cd"]))));
        Assert.Equal("""{ "seq" : 1 }""", Bson.Json(Bson.Render(MongoDedup.InWriteOrder)));
    }

    [Fact]
    public void Vectors_are_read_after_a_sequence_and_only_where_an_embedding_exists()
    {
        Assert.Equal(
            """{ "scope" : "dataset:d", "seq" : { "$gt" : 41 }, "embedding" : { "$exists" : true } }""",
            Bson.Json(Bson.Render(MongoDedup.VectorFilter("dataset:d", 41))));
    }

    [Fact]
    public void A_batch_reads_its_own_entries_and_hash_claims_by_id_and_takes_a_sequence_number_per_check()
    {
        var args = Bson.Args<MongoDB.Bson.BsonDocument>();
        Assert.Equal(
            """{ "_id" : { "$in" : ["job:j\ns1", "job:j\ns2"] } }""",
            Bson.Json(Bson.Render(MongoDedup.EntriesFilter("job:j", ["s1", "s2"]))));
        Assert.Equal(
            """{ "_id" : { "$in" : ["job:j\nh1", "job:j\nh2"] } }""",
            Bson.Json(Bson.Render(MongoDedup.HashesFilter("job:j", ["h1", "h2"]))));
        Assert.Equal("""{ "_id" : "job:j" }""", Bson.Json(Bson.Render(MongoDedup.ScopeFilter("job:j"))));
        Assert.Equal("""{ "$inc" : { "seq" : 3 } }""", Bson.Json(MongoDedup.ReserveSequences(3).Render(args).AsBsonDocument));
        Assert.Equal((true, MongoDB.Driver.ReturnDocument.After), (MongoDedup.ReturnUpserted.IsUpsert, MongoDedup.ReturnUpserted.ReturnDocument));
        Assert.Equal("""{ "embedding" : 0 }""", Bson.Json(Bson.Render(MongoDedup.EntryFields)));
        Assert.Equal("""{ "shingles" : 0, "bandKeys" : 0 }""", Bson.Json(Bson.Render(MongoDedup.VectorFields)));
    }

    [Fact]
    public void A_hash_is_claimed_by_inserting_its_id_in_batch_order_and_a_counter_only_grows_below_its_limit()
    {
        var args = Bson.Args<MongoDB.Bson.BsonDocument>();
        Assert.Equal(
            """{ "_id" : "job:j\nh", "scope" : "job:j", "hash" : "h", "sampleId" : "s1" }""",
            Bson.Json(MongoDedup.NewHashClaim("job:j", "h", "s1")));
        Assert.True(MongoDedup.ClaimsInBatchOrder.IsOrdered);
        Assert.False(MongoDedup.EntriesInAnyOrder.IsOrdered);
        Assert.Equal("""{ "_id" : "judge:j", "used" : { "$lt" : 10 } }""", Bson.Json(Bson.Render(MongoDedup.CounterBelow("judge:j", 10))));
        Assert.Equal("""{ "$inc" : { "used" : 1 } }""", Bson.Json(MongoDedup.TakeOne.Render(args).AsBsonDocument));
    }

    [Fact]
    public void A_quota_slot_is_granted_once_per_claimant_below_the_limit()
    {
        var args = Bson.Args<MongoDB.Bson.BsonDocument>();
        Assert.Equal(
            """{ "_id" : "quota:q", "claimants" : { "$ne" : "s1" }, "used" : { "$lt" : 80 } }""",
            Bson.Json(Bson.Render(MongoDedup.QuotaOpenTo("quota:q", "s1", 80))));
        Assert.Equal("""{ "_id" : "quota:q", "claimants" : "s1" }""", Bson.Json(Bson.Render(MongoDedup.QuotaHeldBy("quota:q", "s1"))));
        Assert.Equal(
            """{ "$push" : { "claimants" : "s1" }, "$inc" : { "used" : 1 } }""",
            Bson.Json(MongoDedup.GrantSlot("s1").Render(args).AsBsonDocument));
    }

    [Fact]
    public void Entries_are_indexed_by_scope_with_band_keys_and_by_sequence()
    {
        Assert.Equal(
            [
                ("scope_bandKeys_seq", """{ "scope" : 1, "bandKeys" : 1, "seq" : 1 }"""),
                ("scope_seq", """{ "scope" : 1, "seq" : 1 }"""),
            ],
            MongoDedup.EntryIndexes().Select(i => (i.Options.Name, Bson.Json(Bson.Render(i.Keys)))));
    }

    [Fact]
    public void An_entry_round_trips_with_its_shingles_and_embedding()
    {
        var keys = new DedupKeys("job:j", "s1", "h", ["0-a", "1-b"], ["a b", "b c"], [0.25f, -1f]);

        var document = MongoDedup.NewEntry(keys, 7);
        var entry = MongoDedup.ToEntry(document);

        Assert.Equal("job:j\ns1", document["_id"].AsString);
        Assert.Equal((7L, "s1"), (entry.Sequence, entry.SampleId));
        Assert.Equal(["a b", "b c"], entry.Shingles);
        Assert.Equal([0.25f, -1f], entry.Embedding!);
        Assert.False(MongoDedup.NewEntry(keys with { Embedding = null }, 8).Contains(MongoDedup.Embedding));
    }
}
