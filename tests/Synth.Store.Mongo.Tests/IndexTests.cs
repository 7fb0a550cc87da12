namespace Synth.Store.Mongo.Tests;

/// <summary>The index key specs and options InitializeAsync creates.</summary>
public sealed class IndexTests
{
    [Fact]
    public void Samples_are_indexed_for_state_label_and_job_paging()
    {
        var indexes = MongoIndexes.ForSamples();
        Assert.Equal(
            [
                ("jobId_state_id", """{ "jobId" : 1, "state" : 1, "_id" : 1 }"""),
                ("jobId_label_id", """{ "jobId" : 1, "content.label" : 1, "_id" : 1 }"""),
                ("jobId_id", """{ "jobId" : 1, "_id" : 1 }"""),
            ],
            indexes.Select(i => (i.Options.Name, Bson.Json(Bson.Render(i.Keys)))));
        Assert.All(indexes, i => Assert.Null(i.Options.Unique));
    }

    [Fact]
    public void Requests_have_one_record_per_job_and_index()
    {
        var index = Assert.Single(MongoIndexes.ForRequests());
        Assert.Equal("jobId_index", index.Options.Name);
        Assert.Equal("""{ "jobId" : 1, "index" : 1 }""", Bson.Json(Bson.Render(index.Keys)));
        Assert.True(index.Options.Unique);
    }

    [Fact]
    public void Failures_are_indexed_for_job_paging()
    {
        var index = Assert.Single(MongoIndexes.ForFailures());
        Assert.Equal("jobId_id", index.Options.Name);
        Assert.Equal("""{ "jobId" : 1, "_id" : 1 }""", Bson.Json(Bson.Render(index.Keys)));
        Assert.Null(index.Options.Unique);
    }
}
