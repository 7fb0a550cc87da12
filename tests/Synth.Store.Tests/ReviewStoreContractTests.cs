using Synth.Contracts.Samples;
using Synth.Store.Mongo;
using Synth.Store.Sqlite;
using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Tests;

/// <summary>
/// The review-queue contract every <see cref="IReviewStore"/> passes: priority order, leases, in-place completion.
/// Several store objects over one database stand for several processes.
/// </summary>
public abstract class ReviewStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 17, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan LeaseFor = TimeSpan.FromMinutes(10);
    private readonly List<SynthStores> _stores = [];

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract SynthStores CreateStores();

    private async Task<(ISampleStore Store, IReviewStore Reviews)> NewStoreAsync()
    {
        var stores = CreateStores();
        _stores.Add(stores);
        await stores.Samples.InitializeAsync(Ct);
        return (stores.Samples, stores.Reviews);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var stores in _stores)
        {
            stores.Dispose();
        }
        return Task.CompletedTask;
    }

    private static SampleDocument Queued(string jobId, int index, double priority, SampleState state = SampleState.Refined)
    {
        var sample = Sample(jobId, 0, index, state);
        sample.Review = new ReviewRecord
        {
            Priority = priority,
            RequestedAt = Created,
            Reason = "test",
            Candidates = [new ReviewCandidateLabel { Label = "ham", Confidence = priority, Method = LabelMethod.StudentModel }],
        };
        return sample;
    }

    private static void Answer(SampleDocument sample, string label, string reviewer)
    {
        sample.LabelHistory.Add(new LabelChange { From = sample.Content.Label, To = label, Method = LabelMethod.HumanReview, By = reviewer, Confidence = 1, At = Now });
        sample.Content.Label = label;
        sample.Review!.Status = ReviewStatus.Labelled;
        sample.Review.Reviewer = reviewer;
        sample.Review.Label = label;
        sample.Review.CompletedAt = Now;
    }

    [StoreFact]
    public async Task Tasks_come_most_uncertain_first_and_only_from_the_asked_job()
    {
        var (store, reviews) = await NewStoreAsync();
        var jobId = NewJobId();
        var otherJob = NewJobId();
        foreach (var sample in (SampleDocument[])[Queued(jobId, 1, 0.2), Queued(jobId, 2, 0.9), Queued(jobId, 3, 0.5), Queued(jobId, 4, 0.9), Queued(otherJob, 1, 1.0), Sample(jobId, 0, 5, SampleState.Refined)])
        {
            await store.SaveSampleAsync(sample, Ct);
        }

        var order = new List<string>();
        while (await reviews.LeaseNextReviewAsync(jobId, "alice", Now, LeaseFor, Ct) is { } lease)
        {
            order.Add(lease.Sample.Id);
        }

        var ties = new[] { SampleIds.For(jobId, 0, 2), SampleIds.For(jobId, 0, 4) }.Order(StringComparer.Ordinal);
        Assert.Equal([.. ties, SampleIds.For(jobId, 0, 3), SampleIds.For(jobId, 0, 1)], order);
        Assert.Equal(new ReviewProgress(0, 4, 0), await reviews.GetReviewProgressAsync(jobId, Now, Ct));
    }

    [StoreFact]
    public async Task A_leased_task_goes_to_nobody_else_until_its_lease_expires()
    {
        var (store, alicesStore) = await NewStoreAsync();
        var (_, bobsStore) = await NewStoreAsync();
        var jobId = NewJobId();
        await store.SaveSampleAsync(Queued(jobId, 1, 0.7), Ct);

        var alices = await alicesStore.LeaseNextReviewAsync(jobId, "alice", Now, LeaseFor, Ct);
        var bobsWhileHeld = await bobsStore.LeaseNextReviewAsync(jobId, "bob", Now + TimeSpan.FromMinutes(5), LeaseFor, Ct);
        var bobsAfterExpiry = await bobsStore.LeaseNextReviewAsync(jobId, "bob", Now + LeaseFor, LeaseFor, Ct);

        Assert.NotNull(alices);
        Assert.Equal(("alice", Now + LeaseFor), (alices.Sample.Review!.LeasedBy, alices.ExpiresAt));
        Assert.Null(bobsWhileHeld);
        Assert.NotNull(bobsAfterExpiry);
        Assert.NotEqual(alices.LeaseToken, bobsAfterExpiry.LeaseToken);
        var late = await alicesStore.CompleteReviewAsync(alices.Sample.Id, alices.LeaseToken, s => Answer(s, "ham", "alice"), Ct);
        Assert.Equal(ReviewCompletionStatus.LeaseNotHeld, late.Status);
        Assert.Equal("spam", (await store.GetSampleAsync(alices.Sample.Id, Ct))!.Content.Label);
    }

    [StoreFact]
    public async Task Concurrent_reviewers_never_share_a_task()
    {
        var (store, _) = await NewStoreAsync();
        var jobId = NewJobId();
        for (var i = 0; i < 12; i++)
        {
            await store.SaveSampleAsync(Queued(jobId, i, i / 12.0), Ct);
        }

        var reviewers = await Task.WhenAll(Enumerable.Range(0, 3).Select(async r =>
        {
            var (_, reviews) = await NewStoreAsync();
            var leased = new List<string>();
            while (await reviews.LeaseNextReviewAsync(jobId, $"reviewer-{r}", Now, LeaseFor, Ct) is { } lease)
            {
                leased.Add(lease.Sample.Id);
            }
            return leased;
        }));

        var all = reviewers.SelectMany(ids => ids).ToList();
        Assert.Equal(12, all.Count);
        Assert.Equal(12, all.Distinct().Count());
    }

    [StoreFact]
    public async Task Completing_keeps_the_state_and_the_whole_history()
    {
        var (store, reviews) = await NewStoreAsync();
        var jobId = NewJobId();
        var queued = Queued(jobId, 1, 0.6, SampleState.Evaluated);
        queued.LabelHistory.Add(new LabelChange { From = "ham", To = "spam", Method = LabelMethod.StudentModel, Confidence = 0.4, At = Created });
        await store.SaveSampleAsync(queued, Ct);
        var lease = (await reviews.LeaseNextReviewAsync(jobId, "alice", Now, LeaseFor, Ct))!;
        var readBeforeTheAnswer = (await store.GetSampleAsync(queued.Id, Ct))!;

        var done = await reviews.CompleteReviewAsync(lease.Sample.Id, lease.LeaseToken, s => Answer(s, "ham", "alice"), Ct);
        var again = await reviews.CompleteReviewAsync(lease.Sample.Id, lease.LeaseToken, s => Answer(s, "spam", "alice"), Ct);
        var missing = await reviews.CompleteReviewAsync("no-such-sample", lease.LeaseToken, s => Answer(s, "spam", "alice"), Ct);

        Assert.Equal(ReviewCompletionStatus.Completed, done.Status);
        Assert.Equal(ReviewCompletionStatus.NotPending, again.Status);
        Assert.Equal(ReviewCompletionStatus.NotFound, missing.Status);
        var stored = (await store.GetSampleAsync(lease.Sample.Id, Ct))!;
        Assert.Equal((SampleState.Evaluated, "ham", ReviewStatus.Labelled, "alice"), (stored.State, stored.Content.Label, stored.Review!.Status, stored.Review.Reviewer));
        Assert.Equal([("ham", "spam", LabelMethod.StudentModel), ("spam", "ham", LabelMethod.HumanReview)], stored.LabelHistory.Select(c => (c.From, c.To, c.Method)));
        Assert.Equal("ham", Assert.Single(stored.Review.Candidates).Label);
        Assert.Equal(new ReviewProgress(0, 0, 1), await reviews.GetReviewProgressAsync(jobId, Now, Ct));
        Assert.Null(await reviews.LeaseNextReviewAsync(jobId, "bob", Now + LeaseFor, LeaseFor, Ct));
        var labelled = await store.QuerySamplesAsync(new SampleQuery { JobId = jobId, Label = "ham" }, Ct);
        Assert.Equal(lease.Sample.Id, Assert.Single(labelled.Items).Id);
        // Leasing and answering are writes: each has a version of its own, so a stage that read the sample before the
        // answer cannot write over it.
        Assert.Equal((2, 3, 3), (readBeforeTheAnswer.Version, done.Sample!.Version, stored.Version));
        Assert.False(await store.TryReplaceSampleAsync(readBeforeTheAnswer, readBeforeTheAnswer.Version, Ct));
    }
}

public sealed class SqliteReviewStoreContractTests(TempDirectoryFixture directory) : ReviewStoreContractTests, IClassFixture<TempDirectoryFixture>
{
    protected override SynthStores CreateStores() => SqliteStores.Open(Path.Combine(directory.Path, "reviews.db"));
}

/// <summary>Runs against the server at SYNTH_MONGO_URI; reported as skipped when it is not set.</summary>
[RequiresEnvironmentVariable(MongoDatabaseFixture.UriVariable)]
public sealed class MongoReviewStoreContractTests(MongoDatabaseFixture database) : ReviewStoreContractTests, IClassFixture<MongoDatabaseFixture>
{
    protected override SynthStores CreateStores() =>
        MongoStores.Open(new MongoStoreOptions { ConnectionString = database.Uri!, Database = database.Database });
}
