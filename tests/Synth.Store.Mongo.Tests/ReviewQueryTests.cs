using MongoDB.Bson;
using MongoDB.Driver;
using Synth.Contracts.Samples;

namespace Synth.Store.Mongo.Tests;

/// <summary>The review queue's filters, sort, lease update and indexes as the server receives them.</summary>
public sealed class ReviewQueryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 18, 0, 0, TimeSpan.FromHours(1));

    [Fact]
    public void A_free_task_is_pending_and_never_leased_or_past_its_lease_in_utc()
    {
        Assert.Equal(
            """{ "jobId" : "job-1", "review.status" : "Pending", "$or" : [{ "review.leaseExpiresAt" : null }, { "review.leaseExpiresAt.DateTime" : { "$lte" : { "$date" : "2026-11-25T17:00:00Z" } } }] }""",
            Bson.Json(Bson.Render(MongoReviewQueries.Leasable("job-1", Now))));
        Assert.Equal(
            """{ "review.status" : "Pending", "$or" : [{ "review.leaseExpiresAt" : null }, { "review.leaseExpiresAt.DateTime" : { "$lte" : { "$date" : "2026-11-25T17:00:00Z" } } }] }""",
            Bson.Json(Bson.Render(MongoReviewQueries.Leasable(null, Now))));
    }

    [Fact]
    public void Progress_counts_split_pending_by_live_lease()
    {
        Assert.Equal(
            """{ "jobId" : "job-1", "review.status" : "Pending", "review.leaseExpiresAt.DateTime" : { "$gt" : { "$date" : "2026-11-25T17:00:00Z" } } }""",
            Bson.Json(Bson.Render(MongoReviewQueries.Leased("job-1", Now))));
        Assert.Equal("""{ "jobId" : "job-1", "review.status" : "Labelled" }""", Bson.Json(Bson.Render(MongoReviewQueries.Answered("job-1", ReviewStatus.Labelled))));
    }

    [Fact]
    public void The_queue_is_most_uncertain_first_then_by_id()
    {
        Assert.Equal("""{ "review.priority" : -1, "_id" : 1 }""", Bson.Json(Bson.Render(MongoReviewQueries.QueueOrder)));
    }

    [Fact]
    public void A_lease_sets_reviewer_token_and_expiry_in_the_timestamp_shape()
    {
        var update = MongoReviewQueries.Lease("alice", "t0k", Now).Render(Bson.Args<SampleDocument>());
        var set = update.AsBsonDocument["$set"].AsBsonDocument;

        Assert.Equal(("alice", "t0k"), (set["review.leasedBy"].AsString, set["review.leaseToken"].AsString));
        Assert.Equal(new BsonDateTime(Now.UtcDateTime), set["review.leaseExpiresAt"]["DateTime"]);
        // A lease is a write: a stage that read the sample before cannot overwrite it.
        Assert.Equal("""{ "version" : 1 }""", Bson.Json(update.AsBsonDocument["$inc"].AsBsonDocument));
    }

    [Fact]
    public void Queue_indexes_cover_pending_reviews_only()
    {
        var indexes = MongoReviewQueries.Indexes();

        Assert.Equal(
            [
                ("review_queue", """{ "review.priority" : -1, "_id" : 1 }"""),
                ("jobId_review_queue", """{ "jobId" : 1, "review.priority" : -1, "_id" : 1 }"""),
                ("jobId_review_status", """{ "jobId" : 1, "review.status" : 1 }"""),
            ],
            indexes.Select(i => (i.Options.Name, Bson.Json(Bson.Render(i.Keys)))));
        var partial = (CreateIndexOptions<SampleDocument>)indexes[0].Options;
        Assert.Equal("""{ "review.status" : "Pending" }""", Bson.Json(Bson.Render(partial.PartialFilterExpression)));
    }

    [Fact]
    public void Review_candidates_and_lease_round_trip()
    {
        var review = new ReviewRecord
        {
            Priority = 0.7,
            Reason = "student disagrees",
            Candidates = [new ReviewCandidateLabel { Label = "ham", Confidence = 0.93, Method = LabelMethod.StudentModel }],
            LeasedBy = "alice",
            LeaseToken = "t0k",
            LeaseExpiresAt = Now,
        };

        var back = Bson.Deserialize<ReviewRecord>(review.ToBsonDocument());

        Assert.Equal(("student disagrees", "alice", "t0k", Now), (back.Reason, back.LeasedBy, back.LeaseToken, back.LeaseExpiresAt));
        var candidate = Assert.Single(back.Candidates);
        Assert.Equal(("ham", 0.93, LabelMethod.StudentModel), (candidate.Label, candidate.Confidence, candidate.Method));
    }
}
