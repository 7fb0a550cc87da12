using Synth.Contracts.Samples;

namespace Synth.Store.Mongo.Tests;

/// <summary>The job listing and sample browser filters as the server receives them.</summary>
public sealed class BrowseQueryTests
{
    [Fact]
    public void Jobs_page_in_id_order()
    {
        Assert.Equal("{ }", Bson.Json(Bson.Render(MongoBrowseQueries.Jobs(null))));
        Assert.Equal("""{ "_id" : { "$gt" : "job-b" } }""", Bson.Json(Bson.Render(MongoBrowseQueries.Jobs("job-b"))));
        Assert.Equal("""{ "_id" : 1 }""", Bson.Json(Bson.Render(MongoBrowseQueries.JobOrder)));
    }

    [Fact]
    public void Stage_and_decision_narrow_the_states_together()
    {
        var filter = MongoBrowseQueries.Samples(new SampleBrowseQuery { JobId = "job-1", Stage = Stage.Filter, Decision = SampleDecision.Accepted, Label = "spam" });
        Assert.Equal("""{ "jobId" : "job-1", "state" : { "$in" : ["Accepted"] }, "stageOrdinal" : 2, "content.label" : "spam" }""", Bson.Json(Bson.Render(filter)));

        var accepted = MongoBrowseQueries.Samples(new SampleBrowseQuery { JobId = "job-1", Decision = SampleDecision.Accepted });
        Assert.Equal("""{ "jobId" : "job-1", "state" : { "$in" : ["Accepted", "Refined", "Evaluated"] } }""", Bson.Json(Bson.Render(accepted)));
    }

    [Fact]
    public void Reject_reason_matches_only_rejecting_decisions_as_literal_text()
    {
        var filter = MongoBrowseQueries.Samples(new SampleBrowseQuery { JobId = "job-1", RejectReason = "near-dup (0.9)", AfterId = "job-1-r000001-s000" });
        Assert.Equal(
            """{ "jobId" : "job-1", "decisions" : { "$elemMatch" : { "outcome" : "Rejected", "reason" : { "$regularExpression" : { "pattern" : "near-dup\\ \\(0\\.9\\)", "options" : "i" } } } }, "_id" : { "$gt" : "job-1-r000001-s000" } }""",
            Bson.Json(Bson.Render(filter)));
    }

    [Fact]
    public void Text_search_looks_in_every_content_field_including_dialogue_turns()
    {
        var filter = Bson.Render(MongoBrowseQueries.Samples(new SampleBrowseQuery { JobId = "job-1", Text = "a.b" }));
        var paths = filter["$or"].AsBsonArray.Select(clause => clause.AsBsonDocument.Names.Single()).ToList();

        Assert.Equal(
            ["content.text", "content.instruction", "content.input", "content.context", "content.question", "content.rationale", "content.answer", "content.response", "content.turns.text"],
            paths);
        Assert.All(filter["$or"].AsBsonArray, clause =>
            Assert.Equal(("a\\.b", "i"), (clause.AsBsonDocument[0].AsBsonRegularExpression.Pattern, clause.AsBsonDocument[0].AsBsonRegularExpression.Options)));
    }
}
