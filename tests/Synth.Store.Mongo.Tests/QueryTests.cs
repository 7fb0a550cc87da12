using MongoDB.Bson;
using Synth.Contracts.Samples;

namespace Synth.Store.Mongo.Tests;

/// <summary>The filters, sorts and pipelines as the server receives them.</summary>
public sealed class QueryTests
{
    [Fact]
    public void A_job_query_filters_by_job_only()
    {
        var filter = Bson.Render(MongoQueries.SampleFilter(new SampleQuery { JobId = "job-1" }));
        Assert.Equal("""{ "jobId" : "job-1" }""", Bson.Json(filter));
    }

    [Fact]
    public void States_render_as_names_in_an_in_list()
    {
        var filter = Bson.Render(MongoQueries.SampleFilter(new SampleQuery
        {
            JobId = "job-1",
            States = [SampleState.Accepted, SampleState.Refined, SampleState.Accepted],
        }));
        Assert.Equal("""{ "jobId" : "job-1", "state" : { "$in" : ["Accepted", "Refined"] } }""", Bson.Json(filter));
    }

    [Fact]
    public void Label_and_after_id_render_on_the_indexed_paths()
    {
        var filter = Bson.Render(MongoQueries.SampleFilter(new SampleQuery
        {
            JobId = "job-1",
            States = [SampleState.Generated],
            Label = "spam",
            AfterId = "job-1-r000009-s000",
        }));
        Assert.Equal(
            """{ "jobId" : "job-1", "state" : { "$in" : ["Generated"] }, "content.label" : "spam", "_id" : { "$gt" : "job-1-r000009-s000" } }""",
            Bson.Json(filter));
    }

    [Fact]
    public void Samples_and_failures_page_in_id_order()
    {
        Assert.Equal("""{ "_id" : 1 }""", Bson.Json(Bson.Render(MongoQueries.SampleSort)));
        Assert.Equal("""{ "_id" : 1 }""", Bson.Json(Bson.Render(MongoQueries.FailureSort)));
        Assert.Equal("""{ "jobId" : "job-1" }""", Bson.Json(Bson.Render(MongoQueries.FailureFilter("job-1", null))));
        Assert.Equal(
            """{ "jobId" : "job-1", "_id" : { "$gt" : "filter:x" } }""",
            Bson.Json(Bson.Render(MongoQueries.FailureFilter("job-1", "filter:x"))));
    }

    [Fact]
    public void The_monotonic_upsert_matches_only_an_earlier_or_equal_stage()
    {
        var filter = Bson.Render(MongoQueries.MonotonicUpsertFilter("job-1-r000000-s000", SampleState.Rejected.Ordinal()));
        Assert.Equal("""{ "_id" : "job-1-r000000-s000", "stageOrdinal" : { "$lte" : 2 } }""", Bson.Json(filter));
        Assert.Equal("""{ "stageOrdinal" : 1 }""", Bson.Json(Bson.Render(MongoQueries.StageOrdinalProjection)));
    }

    [Fact]
    public void The_compare_and_set_matches_only_the_version_read()
    {
        Assert.Equal(
            """{ "_id" : "job-1-r000000-s000", "version" : 3 }""",
            Bson.Json(Bson.Render(MongoQueries.VersionIs("job-1-r000000-s000", 3))));
        // Version 0 also matches a document stored before versions existed (no version field).
        Assert.Equal(
            """{ "_id" : "job-1-r000000-s000", "version" : { "$in" : [0, null] } }""",
            Bson.Json(Bson.Render(MongoQueries.VersionIs("job-1-r000000-s000", 0))));
        Assert.Equal("""{ "version" : 1 }""", Bson.Json(Bson.Render(MongoQueries.VersionProjection)));
    }

    [Fact]
    public void The_upsert_increments_the_stored_version_on_the_server_and_takes_the_copy_literally()
    {
        var stored = new BsonDocument { { "_id", "s-1" }, { "version", 7L }, { "content", new BsonDocument("text", "$100 off") } };

        var update = MongoQueries.VersionedReplace(stored).Render(Bson.Args<BsonDocument>()).AsBsonArray;

        Assert.Equal(
            """{ "$replaceWith" : { "$mergeObjects" : [{ "$literal" : { "_id" : "s-1", "content" : { "text" : "$100 off" } } }, { "version" : { "$add" : [{ "$ifNull" : ["$version", 0] }, 1] } }] } }""",
            Bson.Json(Assert.Single(update).AsBsonDocument));
        Assert.Equal(7L, stored["version"].AsInt64);
    }

    [Fact]
    public void The_ledger_of_a_job_filters_by_job()
    {
        Assert.Equal("""{ "jobId" : "job-1" }""", Bson.Json(Bson.Render(MongoQueries.RequestsOfJob("job-1"))));
        Assert.Equal("""{ "index" : 1, "_id" : 0 }""", Bson.Json(Bson.Render(MongoQueries.RequestIndexProjection)));
    }

    [Fact]
    public void The_ledger_of_a_claimed_block_filters_by_job_and_index_range()
    {
        Assert.Equal("""{ "jobId" : "job-1", "index" : { "$gte" : 3, "$lt" : 7 } }""",
            Bson.Json(Bson.Render(MongoQueries.RequestsOfJobBetween("job-1", 3, 7))));
    }

    [Fact]
    public void Sample_counts_group_the_job_by_state()
    {
        var stages = Bson.Render(MongoQueries.SampleCounts("job-1"));
        Assert.Equal(
            [
                """{ "$match" : { "jobId" : "job-1" } }""",
                """{ "$group" : { "_id" : "$state", "count" : { "$sum" : 1 } } }""",
            ],
            stages.Select(Bson.Json));
    }

    [Fact]
    public void Evaluator_rejections_are_rejected_samples_at_the_evaluators_depth()
    {
        Assert.Equal("""{ "jobId" : "job-1", "state" : "Rejected", "stageOrdinal" : 4 }""",
            Bson.Json(Bson.Render(MongoQueries.RejectedByEvaluator("job-1"))));
    }

    [Fact]
    public void Request_counts_group_the_ledger_by_status()
    {
        var stages = Bson.Render(MongoQueries.RequestCounts("job-1"));
        Assert.Equal(
            [
                """{ "$match" : { "jobId" : "job-1" } }""",
                """{ "$group" : { "_id" : "$status", "count" : { "$sum" : 1 } } }""",
            ],
            stages.Select(Bson.Json));
    }

    [Theory]
    [InlineData("""{ "ismaster" : true, "maxWireVersion" : 21, "logicalSessionTimeoutMinutes" : 30 }""", false)]
    [InlineData("""{ "ismaster" : true, "setName" : "rs0", "logicalSessionTimeoutMinutes" : 30 }""", true)]
    [InlineData("""{ "ismaster" : true, "msg" : "isdbgrid", "logicalSessionTimeoutMinutes" : 30 }""", true)]
    [InlineData("""{ "ismaster" : true, "serviceId" : { "$oid" : "65f000000000000000000000" }, "logicalSessionTimeoutMinutes" : 30 }""", true)]
    [InlineData("""{ "ismaster" : true, "setName" : "rs0" }""", false)]
    public void Transactions_are_used_only_where_the_deployment_has_them(string hello, bool expected)
    {
        Assert.Equal(expected, MongoTopology.SupportsTransactions(BsonDocument.Parse(hello)));
    }
}
