using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Pipeline.Tests;

/// <summary>
/// The race the stage message used to lose: a reviewer labels a sample while a stage is processing it. The stage read
/// the sample before the label was written; its compare-and-set fails, it reads the labelled copy and decides again,
/// so the label survives every stage. (Saving the copy the stage had read, as the whole-document messages did,
/// wrote the label away.)
/// </summary>
public sealed class ReviewRaceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset ReviewedAt = FixedTime.Start.AddMinutes(1);

    private TempStore _temp = null!;

    public ReviewRaceTests() => Tracing.EnsureListening();

    public async Task InitializeAsync() => _temp = await TempStore.CreateAsync();

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    [Theory]
    [InlineData(Stage.Filter)]
    [InlineData(Stage.LabelRefiner)]
    [InlineData(Stage.Evaluator)]
    public async Task A_label_a_reviewer_writes_while_a_stage_processes_the_sample_is_never_lost(Stage reviewedDuring)
    {
        var jobId = $"review-race-{reviewedDuring.Name()}";
        var job = TestJobs.Create(jobId);
        var catalog = new JobCatalog(_temp.Store);
        catalog.Add(job);
        var bus = new InProcessBus(capacityPerTopic: 16);
        foreach (var topic in (string[])[Topics.Generated, Topics.Accepted, Topics.Rejected, Topics.Refined])
        {
            bus.Subscribe(topic);
        }

        var sample = TestJobs.GeneratedSample(jobId, label: "negative");
        sample.Review = new ReviewRecord { Priority = 0.9, RequestedAt = FixedTime.Start, Reason = "uncertain" };
        await _temp.Store.SaveSampleAsync(sample, CancellationToken.None);

        var labelsSeen = new List<(Stage Stage, string? Label)>();
        var reviewed = false;
        var processors = new[] { Stage.Filter, Stage.LabelRefiner, Stage.Evaluator }.Select(stage => new InterruptedProcessor(
            stage,
            async s =>
            {
                if (stage == reviewedDuring && !reviewed)
                {
                    reviewed = true;
                    await LabelAsync(_temp.Stores.Reviews, jobId, "positive");
                }
            },
            s =>
            {
                labelsSeen.Add((stage, s.Content.Label));
                return new StageVerdict(stage.OutputStates()[0]);
            })).ToList();

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var consuming = processors.Select(processor =>
        {
            var worker = new StageWorker(processor, _temp.Store, bus, catalog, new StageActivity(processor.Stage), TimeProvider.System,
                NullLogger<StageWorker>.Instance, "race-worker");
            return bus.ConsumeAsync(new ConsumeSettings { Topic = Topics.For(processor.Stage.InputState()!.Value)!, GroupId = processor.Stage.Name() }, worker, stop.Token);
        }).ToList();

        await SampleMessages.PublishInSampleTraceAsync(bus, sample, "/synth/test", FixedTime.Start, CancellationToken.None);
        var stored = await _temp.Store.GetSampleAsync(sample.Id, CancellationToken.None);
        while (stored!.State != SampleState.Evaluated || bus.UnfinishedCount(Topics.Refined) > 0)
        {
            await Task.Delay(10, stop.Token);
            stored = await _temp.Store.GetSampleAsync(sample.Id, CancellationToken.None);
        }

        await stop.CancelAsync();
        await Task.WhenAll(consuming);

        Assert.True(reviewed);
        Assert.Equal("positive", stored.Content.Label);
        Assert.Equal((ReviewStatus.Labelled, "alice", "positive"), (stored.Review!.Status, stored.Review.Reviewer, stored.Review.Label));
        Assert.Equal(("negative", "positive", "alice"), Assert.Single(stored.LabelHistory, c => c.Method == LabelMethod.HumanReview) is var change ? (change.From, change.To, change.By) : default);
        // One decision per stage, although the stage the reviewer interrupted processed the sample twice.
        Assert.Equal([Stage.Generator, Stage.Filter, Stage.LabelRefiner, Stage.Evaluator], stored.Decisions.Select(d => d.Stage));
        Assert.Equal(2, processors.Single(p => p.Stage == reviewedDuring).Calls);
        // The interrupted stage's second look, and every stage after it, saw the reviewer's label.
        Assert.Equal("positive", labelsSeen.Last(seen => seen.Stage == reviewedDuring).Label);
        Assert.All(labelsSeen.SkipWhile(seen => seen.Stage != reviewedDuring).Skip(1), seen => Assert.Equal("positive", seen.Label));
    }

    /// <summary>The review endpoint's path: lease the job's next task, answer it.</summary>
    private static async Task LabelAsync(IReviewStore reviews, string jobId, string label)
    {
        var lease = await reviews.LeaseNextReviewAsync(jobId, "alice", ReviewedAt, TimeSpan.FromMinutes(5), CancellationToken.None)
            ?? throw new InvalidOperationException("No review task to lease.");
        var completion = await reviews.CompleteReviewAsync(lease.Sample.Id, lease.LeaseToken, s =>
        {
            s.LabelHistory.Add(new LabelChange { From = s.Content.Label, To = label, Method = LabelMethod.HumanReview, By = "alice", Confidence = 1, At = ReviewedAt });
            s.Content.Label = label;
            s.Review!.Status = ReviewStatus.Labelled;
            s.Review.Reviewer = "alice";
            s.Review.Label = label;
            s.Review.CompletedAt = ReviewedAt;
        }, CancellationToken.None);
        Assert.Equal(ReviewCompletionStatus.Completed, completion.Status);
    }
}
