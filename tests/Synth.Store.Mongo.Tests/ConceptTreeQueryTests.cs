using Synth.Store;

namespace Synth.Store.Mongo.Tests;

/// <summary>The concept-tree collections' filters, updates and indexes, rendered without a server.</summary>
public sealed class ConceptTreeQueryTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_000);

    [Fact]
    public void A_claim_is_taken_over_only_while_pending_and_past_its_lease_or_by_its_own_instance()
    {
        Assert.Equal(
            """{ "_id" : "job\nphysics/optics", "status" : 1, "$or" : [{ "leaseUntil" : { "$lt" : 1000 } }, { "instance" : "b" }] }""",
            Bson.Json(Bson.Render(MongoConceptTree.AbandonedClaim("job", "physics/optics", "b", Now))));
        Assert.Equal(
            """{ "_id" : "job\nphysics", "status" : 1, "instance" : "a" }""",
            Bson.Json(Bson.Render(MongoConceptTree.OwnClaim("job", "physics", "a"))));
    }

    [Fact]
    public void An_outcome_is_written_only_over_a_pending_node_and_settled_nodes_are_read_by_job()
    {
        var args = Bson.Args<MongoDB.Bson.BsonDocument>();
        var outcome = new ConceptExpansionRecord("job", "physics", ConceptExpansionStatus.Expanded, [new ConceptChild("optics", 1)], "a");
        var update = MongoConceptTree.Settle(outcome).Render(args).AsBsonDocument;

        Assert.Equal("""{ "_id" : "job\nphysics", "status" : 1 }""", Bson.Json(Bson.Render(MongoConceptTree.PendingNode("job", "physics"))));
        Assert.Equal(2, update["$set"]["status"].AsInt32);
        Assert.Equal("""{ "jobId" : "job", "nodePath" : "physics" }""", Bson.Json(update["$setOnInsert"].AsBsonDocument));
        Assert.Equal(outcome.Children, MongoConceptTree.ToRecord(new MongoDB.Bson.BsonDocument { ["document"] = update["$set"]["document"] }).Children);
        Assert.Equal("""{ "jobId" : "job", "status" : { "$ne" : 1 } }""", Bson.Json(Bson.Render(MongoConceptTree.Settled("job"))));
    }

    [Fact]
    public void A_plan_is_set_on_insert_only_so_the_first_writer_wins()
    {
        var args = Bson.Args<MongoDB.Bson.BsonDocument>();
        var update = MongoConceptTree.RecordPlan("job", 7, new Dictionary<string, string> { ["topic"] = "physics" }).Render(args).AsBsonDocument;

        Assert.Equal(["$setOnInsert"], update.Names);
        Assert.Equal("""{"topic":"physics"}""", update["$setOnInsert"]["conditions"].AsString);
        Assert.Equal("""{ "_id" : "job\n7" }""", Bson.Json(Bson.Render(MongoConceptTree.Plan("job", 7))));
        Assert.Equal("""{ "jobId" : 1, "status" : 1 }""", Bson.Json(Bson.Render(MongoConceptTree.ExpansionIndex().Keys)));
    }
}
