using MongoDB.Driver;
using Synth.Contracts.Samples;
using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Mongo.Tests;

/// <summary>The curated outbox's filters, update and index as the server receives them, and the field's BSON shape.</summary>
public sealed class CuratedOutboxQueryTests
{
    [Fact]
    public void Pending_is_the_field_present_and_sent_is_the_same_token_unset_without_a_version_bump()
    {
        Assert.Equal("""{ "pendingCuratedPublish" : { "$exists" : true } }""", Bson.Json(Bson.Render(MongoCuratedOutboxStore.Pending)));
        Assert.Equal("""{ "_id" : "s-1", "pendingCuratedPublish" : "t0k" }""", Bson.Json(Bson.Render(MongoCuratedOutboxStore.PendingWith("s-1", "t0k"))));
        Assert.Equal("""{ "$unset" : { "pendingCuratedPublish" : 1 } }""",
            Bson.Json(MongoCuratedOutboxStore.Sent.Render(Bson.Args<SampleDocument>()).AsBsonDocument));
    }

    [Fact]
    public void The_index_covers_pending_samples_only()
    {
        var index = MongoCuratedOutboxStore.Index;

        Assert.Equal(("curated_outbox", """{ "pendingCuratedPublish" : 1 }"""), (index.Options.Name, Bson.Json(Bson.Render(index.Keys))));
        var partial = (CreateIndexOptions<SampleDocument>)index.Options;
        Assert.Equal("""{ "pendingCuratedPublish" : { "$exists" : true } }""", Bson.Json(Bson.Render(partial.PartialFilterExpression)));
    }

    [Fact]
    public void The_token_round_trips_and_is_left_out_when_null()
    {
        var sample = Sample("job-1", 0, 0, SampleState.Evaluated);
        var without = Bson.Serialize(sample);
        sample.PendingCuratedPublish = "t0k";

        var with = Bson.Serialize(sample);

        Assert.False(without.Contains("pendingCuratedPublish"));
        Assert.Equal("t0k", with["pendingCuratedPublish"].AsString);
        Assert.Equal("t0k", Bson.Deserialize<SampleDocument>(with).PendingCuratedPublish);
    }
}
