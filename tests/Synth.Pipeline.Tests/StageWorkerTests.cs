using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Pipeline.Tests;

public sealed class StageWorkerTests : IAsyncLifetime
{
    private const string JobId = "stage-worker-job";
    private const string Instance = "worker-1";

    private readonly RecordingPublisher _publisher = new();
    private readonly FixedTime _time = new();
    private TempStore _temp = null!;

    public StageWorkerTests() => Tracing.EnsureListening();

    private ISampleStore Store => _temp.Store;

    public async Task InitializeAsync() => _temp = await TempStore.CreateAsync();

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    private (StageWorker Worker, StageActivity Activity) Worker(ISampleProcessor processor, ISampleStore? store = null)
    {
        var catalog = new JobCatalog(store ?? Store);
        catalog.Add(TestJobs.Create(JobId));
        var activity = new StageActivity(processor.Stage);
        var worker = new StageWorker(processor, store ?? Store, _publisher, catalog, activity, _time, NullLogger<StageWorker>.Instance, Instance);
        return (worker, activity);
    }

    /// <summary>Handles the message inside a consumer span, as the transports do.</summary>
    private static async Task<Activity> HandleInSpanAsync(StageWorker worker, InboundMessage message)
    {
        using var span = MessageTracing.StartProcess(message, "test", "test-group");
        Assert.NotNull(span);
        await worker.HandleAsync(message, CancellationToken.None);
        return span;
    }

    [Fact]
    public async Task An_accepted_sample_gets_one_filter_decision_is_stored_and_published_to_accepted_with_its_envelope()
    {
        var sample = TestJobs.GeneratedSample(JobId, 0, 0, "Great battery.");
        await Store.SaveSampleAsync(sample, CancellationToken.None);
        var filter = new ScriptedProcessor(Stage.Filter, _ => new StageVerdict(
            SampleState.Accepted, new Dictionary<string, double> { ["quality"] = 0.9, ["toxicity"] = 0.01 }, "looks fine"));
        var (worker, activity) = Worker(filter);
        _time.Now = FixedTime.Start.AddMinutes(5);

        var span = await HandleInSpanAsync(worker, await TestJobs.EmittedAsync(sample));

        var stored = await Store.GetSampleAsync(sample.Id, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(SampleState.Accepted, stored.State);
        Assert.Equal([Stage.Generator, Stage.Filter], stored.Decisions.Select(d => d.Stage));
        var decision = stored.Decisions[1];
        Assert.Equal(SampleState.Accepted, decision.Outcome);
        Assert.Equal(new Dictionary<string, double> { ["quality"] = 0.9, ["toxicity"] = 0.01 }, decision.Scores);
        Assert.Equal("looks fine", decision.Reason);
        Assert.Equal(Instance, decision.DecidedBy);
        Assert.Equal(span.TraceId.ToHexString(), decision.TraceId);
        Assert.Equal(span.SpanId.ToHexString(), decision.SpanId);
        Assert.Equal(_time.Now, decision.At);
        Assert.Equal(_time.Now, stored.UpdatedAt);
        // The consumer span continues the sample's own trace (the message's traceparent).
        Assert.Equal(sample.TraceId, decision.TraceId);

        var message = Assert.Single(_publisher.Messages);
        Assert.Equal(Topics.Accepted, message.Topic);
        Assert.Equal(sample.Id, message.Key);
        Assert.Equal($"{sample.Id}/accepted", RecordingPublisher.Header(message, EnvelopeHeaders.Id));
        Assert.Equal("synth.sample.accepted.v2", RecordingPublisher.Header(message, EnvelopeHeaders.Type));
        Assert.Equal(sample.Id, RecordingPublisher.Header(message, EnvelopeHeaders.Subject));
        Assert.Equal(JobId, RecordingPublisher.Header(message, EnvelopeHeaders.JobId));
        Assert.Equal("application/json", RecordingPublisher.Header(message, EnvelopeHeaders.ContentType));
        Assert.Equal("1.0", RecordingPublisher.Header(message, EnvelopeHeaders.SpecVersion));
        Assert.Equal($"/synth/filter/{Instance}", RecordingPublisher.Header(message, EnvelopeHeaders.Source));
        Assert.Equal(sample.TraceId, Tracing.TraceIdOf(RecordingPublisher.Header(message, EnvelopeHeaders.TraceParent)!));
        // The message notifies; the sample stays in the store (saved as version 1, the filter's decision is version 2).
        Assert.Equal(new SampleNotification(sample.Id, JobId, SampleState.Accepted, 2), SampleNotification.Parse(message.Value));
        Assert.Equal(2, stored.Version);

        Assert.Equal(1, filter.Calls);
        Assert.Equal(1, activity.Outcome(SampleState.Accepted));
        Assert.Equal(0, activity.InFlight);
    }

    [Fact]
    public async Task A_rejected_sample_goes_to_the_rejected_topic()
    {
        var sample = TestJobs.GeneratedSample(JobId, 0, 1, "Spam spam spam.");
        await Store.SaveSampleAsync(sample, CancellationToken.None);
        var (worker, activity) = Worker(new ScriptedProcessor(Stage.Filter, _ => new StageVerdict(SampleState.Rejected, Reason: "spam")));

        await HandleInSpanAsync(worker, TestJobs.MessageFor(sample));

        var stored = await Store.GetSampleAsync(sample.Id, CancellationToken.None);
        Assert.Equal(SampleState.Rejected, stored!.State);
        Assert.Equal("spam", stored.Decisions.Single(d => d.Stage == Stage.Filter).Reason);
        var message = Assert.Single(_publisher.Messages);
        Assert.Equal(Topics.Rejected, message.Topic);
        Assert.Equal("synth.sample.rejected.v2", RecordingPublisher.Header(message, EnvelopeHeaders.Type));
        Assert.Equal(1, activity.Outcome(SampleState.Rejected));
    }

    [Fact]
    public async Task The_evaluators_outcome_is_stored_and_only_its_curated_training_record_is_published()
    {
        var sample = TestJobs.Advanced(TestJobs.Advanced(TestJobs.GeneratedSample(JobId), Stage.Filter, SampleState.Accepted), Stage.LabelRefiner, SampleState.Refined);
        await Store.SaveSampleAsync(sample, CancellationToken.None);
        var evaluator = ScriptedProcessor.Evaluator();
        var (worker, activity) = Worker(evaluator);

        await HandleInSpanAsync(worker, TestJobs.MessageFor(sample));

        var stored = await Store.GetSampleAsync(sample.Id, CancellationToken.None);
        Assert.Equal(SampleState.Evaluated, stored!.State);
        Assert.Equal([Stage.Generator, Stage.Filter, Stage.LabelRefiner, Stage.Evaluator], stored.Decisions.Select(d => d.Stage));
        // No stage follows; the curated-samples topic gets the training record, keyed by sample id.
        var message = Assert.Single(_publisher.Messages);
        Assert.Equal(Topics.Curated, message.Topic);
        Assert.Equal(sample.Id, message.Key);
        Assert.Equal(CuratedRecord.EventType, RecordingPublisher.Header(message, EnvelopeHeaders.Type));
        Assert.Equal("1", RecordingPublisher.Header(message, EnvelopeHeaders.SchemaVersion));
        Assert.Equal(stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), RecordingPublisher.Header(message, EnvelopeHeaders.SampleVersion));
        var record = CuratedRecord.Parse(message.Value);
        Assert.Equal(sample.Id, record.SampleId);
        Assert.Equal(JobId, record.JobId);
        Assert.Equal(stored.Version, record.Version);
        Assert.Equal(stored.Content.Text, record.Content.Text);
        Assert.Equal(stored.Content.Label, record.Label);
        Assert.Equal(stored.Weight, record.Weight);
        Assert.Equal(Synth.Contracts.Datasets.DatasetSplit.Of(sample.Id, TestJobs.Create(JobId).Spec.Evaluation.Export), record.Split);
        Assert.Equal($"/samples/{sample.Id}", record.Lineage);
        Assert.Equal(1, activity.Outcome(SampleState.Evaluated));
    }

    [Fact]
    public async Task A_redelivered_decided_sample_is_re_emitted_from_the_store_without_processing_it_again()
    {
        var sample = TestJobs.GeneratedSample(JobId);
        await Store.SaveSampleAsync(sample, CancellationToken.None);
        var verdicts = 0;
        // A processor that would decide differently the second time: the stored decision must win.
        var filter = new ScriptedProcessor(Stage.Filter, _ => Interlocked.Increment(ref verdicts) == 1
            ? new StageVerdict(SampleState.Accepted, Reason: "first")
            : new StageVerdict(SampleState.Rejected, Reason: "second"));
        var (worker, activity) = Worker(filter);
        var message = TestJobs.MessageFor(sample);

        await HandleInSpanAsync(worker, message);
        var afterFirst = await Store.GetSampleAsync(sample.Id, CancellationToken.None);
        _time.Now = FixedTime.Start.AddHours(1);
        await HandleInSpanAsync(worker, message);

        Assert.Equal(1, filter.Calls);
        Assert.Equal(1, activity.ReemittedCount);
        Assert.Equal(1, activity.ProcessedCount);
        var stored = await Store.GetSampleAsync(sample.Id, CancellationToken.None);
        Assert.Equal(SampleState.Accepted, stored!.State);
        Assert.Single(stored.Decisions, d => d.Stage == Stage.Filter);
        Assert.Equal(afterFirst!.UpdatedAt, stored.UpdatedAt);

        Assert.Equal(2, _publisher.Messages.Count);
        Assert.All(_publisher.Messages, m => Assert.Equal(Topics.Accepted, m.Topic));
        Assert.Equal(SampleNotification.Of(stored).ToUtf8Json(), _publisher.Messages[1].Value);
    }

    [Fact]
    public async Task A_sample_already_past_the_stage_is_skipped_and_nothing_is_published()
    {
        var generated = TestJobs.GeneratedSample(JobId);
        var refined = TestJobs.Advanced(TestJobs.Advanced(generated, Stage.Filter, SampleState.Accepted), Stage.LabelRefiner, SampleState.Refined);
        await Store.SaveSampleAsync(refined, CancellationToken.None);
        var filter = ScriptedProcessor.Filter();
        var (worker, activity) = Worker(filter);

        await HandleInSpanAsync(worker, TestJobs.MessageFor(generated));

        Assert.Equal(0, filter.Calls);
        Assert.Empty(_publisher.Messages);
        var stored = await Store.GetSampleAsync(generated.Id, CancellationToken.None);
        Assert.Equal(SampleState.Refined, stored!.State);
        Assert.Equal(3, stored.Decisions.Count);
        Assert.Equal(0, activity.ProcessedCount + activity.ReemittedCount + activity.FailedCount);
    }

    [Fact]
    public async Task An_unreadable_body_is_stored_as_a_failure_by_origin_and_dead_lettered()
    {
        var filter = ScriptedProcessor.Filter();
        var (worker, activity) = Worker(filter);
        var message = TestJobs.RawMessage(Topics.Generated, "{ this is not json", "some-key", partition: 3, offset: 42);

        var span = await HandleInSpanAsync(worker, message);

        Assert.Equal(0, filter.Calls);
        var failure = await _temp.ReadFailureAsync($"filter:{Topics.Generated}:3:42");
        Assert.NotNull(failure);
        Assert.Equal(Stage.Filter, failure.Stage);
        Assert.Null(failure.SampleId);
        Assert.Null(failure.JobId);
        Assert.StartsWith("Unreadable sample notification", failure.Error, StringComparison.Ordinal);
        Assert.Equal(Topics.Generated, failure.OriginTopic);
        Assert.Equal(3, failure.OriginPartition);
        Assert.Equal(42, failure.OriginOffset);
        Assert.Equal(span.TraceId.ToHexString(), failure.TraceId);

        var dlt = Assert.Single(_publisher.Messages);
        Assert.Equal($"{Topics.Generated}.dlt", dlt.Topic);
        Assert.Equal("some-key", dlt.Key);
        Assert.Equal(message.Value, dlt.Value);
        Assert.Equal("raw-1", RecordingPublisher.Header(dlt, EnvelopeHeaders.Id));
        Assert.StartsWith("Unreadable sample notification", RecordingPublisher.Header(dlt, EnvelopeHeaders.DeadLetterError), StringComparison.Ordinal);
        Assert.Equal("filter", RecordingPublisher.Header(dlt, EnvelopeHeaders.DeadLetterStage));
        Assert.Equal(Topics.Generated, RecordingPublisher.Header(dlt, EnvelopeHeaders.DeadLetterOriginTopic));
        Assert.Equal("3", RecordingPublisher.Header(dlt, EnvelopeHeaders.DeadLetterOriginPartition));
        Assert.Equal("42", RecordingPublisher.Header(dlt, EnvelopeHeaders.DeadLetterOriginOffset));
        Assert.Equal(span.TraceId.ToHexString(), RecordingPublisher.Header(dlt, EnvelopeHeaders.DeadLetterTraceId));
        Assert.Equal(FixedTime.Start, DateTimeOffset.Parse(RecordingPublisher.Header(dlt, EnvelopeHeaders.DeadLetterAt)!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, activity.FailedCount);
    }

    // Regression: a body with "id": null used to deserialize, then GetSampleAsync(null) threw and the message was redelivered forever.
    [Fact]
    public async Task A_body_with_a_null_sample_id_is_dead_lettered_not_retried_forever()
    {
        var (worker, _) = Worker(ScriptedProcessor.Filter());
        var valid = Encoding.UTF8.GetString(SampleNotification.Of(TestJobs.GeneratedSample(JobId)).ToUtf8Json());
        var body = valid.Replace($"\"sampleId\":\"{SampleIds.For(JobId, 0, 0)}\"", "\"sampleId\":null", StringComparison.Ordinal);
        Assert.NotEqual(valid, body);
        var message = TestJobs.RawMessage(Topics.Generated, body, key: null, partition: 1, offset: 7);

        await worker.HandleAsync(message, CancellationToken.None);

        Assert.NotNull(await _temp.ReadFailureAsync($"filter:{Topics.Generated}:1:7"));
        Assert.Equal($"{Topics.Generated}.dlt", Assert.Single(_publisher.Messages).Topic);
    }

    [Fact]
    public async Task A_notification_of_a_sample_the_store_does_not_hold_is_dead_lettered()
    {
        var filter = ScriptedProcessor.Filter();
        var (worker, activity) = Worker(filter);
        var sample = TestJobs.GeneratedSample(JobId, 5, 0);

        await HandleInSpanAsync(worker, TestJobs.MessageFor(sample, partition: 2, offset: 11));

        Assert.Equal(0, filter.Calls);
        var failure = await _temp.ReadFailureAsync($"filter:{sample.Id}");
        Assert.NotNull(failure);
        Assert.Contains("is not in the store", failure.Error, StringComparison.Ordinal);
        Assert.Equal(Topics.DeadLetter(Topics.Generated), Assert.Single(_publisher.Messages).Topic);
        Assert.Equal(1, activity.FailedCount);
    }

    [Fact]
    public async Task A_sample_written_by_someone_else_during_every_attempt_is_given_up_on_after_a_bound_and_the_message_comes_again()
    {
        var sample = TestJobs.GeneratedSample(JobId);
        await Store.SaveSampleAsync(sample, CancellationToken.None);
        // Every processing is overtaken by another write of the sample, so every compare-and-set fails.
        var filter = new InterruptedProcessor(
            Stage.Filter,
            async s =>
            {
                var other = (await Store.GetSampleAsync(s.Id, CancellationToken.None))!;
                other.Weight += 1;
                Assert.True(await Store.TryReplaceSampleAsync(other, other.Version, CancellationToken.None));
            },
            _ => new StageVerdict(SampleState.Accepted));
        var (worker, activity) = Worker(filter);

        await Assert.ThrowsAsync<InvalidOperationException>(() => HandleInSpanAsync(worker, TestJobs.MessageFor(sample)));

        Assert.Equal(5, filter.Calls);
        Assert.Empty(_publisher.Messages);
        var stored = await Store.GetSampleAsync(sample.Id, CancellationToken.None);
        Assert.Equal((SampleState.Generated, 6.0), (stored!.State, stored.Weight));
        Assert.Equal(0, activity.ProcessedCount + activity.FailedCount);
    }

    [Fact]
    public async Task A_processor_exception_is_stored_as_a_failure_of_the_sample_and_dead_lettered_and_the_message_is_done()
    {
        var sample = TestJobs.GeneratedSample(JobId, 2, 1);
        await Store.SaveSampleAsync(sample, CancellationToken.None);
        var (worker, activity) = Worker(new ScriptedProcessor(Stage.Filter, _ => throw new InvalidOperationException("model crashed")));
        var message = TestJobs.MessageFor(sample, partition: 1, offset: 9);

        // Returning normally (no exception) is what lets the transport mark the message consumed.
        var span = await HandleInSpanAsync(worker, message);

        var failures = await Store.QueryFailuresAsync(JobId, null, 10, CancellationToken.None);
        var failure = Assert.Single(failures.Items);
        Assert.Equal($"filter:{sample.Id}", failure.Id);
        Assert.Equal(sample.Id, failure.SampleId);
        Assert.Equal(JobId, failure.JobId);
        Assert.Equal("InvalidOperationException: model crashed", failure.Error);
        Assert.Equal(Topics.Generated, failure.OriginTopic);
        Assert.Equal(1, failure.OriginPartition);
        Assert.Equal(9, failure.OriginOffset);
        Assert.Equal(span.TraceId.ToHexString(), failure.TraceId);

        var dlt = Assert.Single(_publisher.Messages);
        Assert.Equal(Topics.DeadLetter(Topics.Generated), dlt.Topic);
        Assert.Equal(sample.Id, dlt.Key);
        Assert.Equal("InvalidOperationException: model crashed", RecordingPublisher.Header(dlt, EnvelopeHeaders.DeadLetterError));
        Assert.Equal($"{sample.Id}/generated", RecordingPublisher.Header(dlt, EnvelopeHeaders.Id));

        var stored = await Store.GetSampleAsync(sample.Id, CancellationToken.None);
        Assert.Equal(SampleState.Generated, stored!.State);
        Assert.Single(stored.Decisions);
        Assert.Equal(1, activity.FailedCount);
        Assert.Equal(0, activity.ProcessedCount);
        Assert.Equal(1, (await Store.CountAsync(JobId, CancellationToken.None)).Failures);
    }

    [Fact]
    public async Task An_outcome_the_stage_may_not_return_is_dead_lettered()
    {
        var sample = TestJobs.GeneratedSample(JobId);
        await Store.SaveSampleAsync(sample, CancellationToken.None);
        var (worker, _) = Worker(new ScriptedProcessor(Stage.Filter, _ => new StageVerdict(SampleState.Evaluated)));

        await HandleInSpanAsync(worker, TestJobs.MessageFor(sample));

        var failure = Assert.Single((await Store.QueryFailuresAsync(JobId, null, 10, CancellationToken.None)).Items);
        Assert.Contains("returned Evaluated", failure.Error, StringComparison.Ordinal);
        Assert.Contains("Accepted or Rejected", failure.Error, StringComparison.Ordinal);
        Assert.Equal(Topics.DeadLetter(Topics.Generated), Assert.Single(_publisher.Messages).Topic);
        Assert.Equal(SampleState.Generated, (await Store.GetSampleAsync(sample.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_sample_in_the_wrong_input_state_is_dead_lettered_without_processing()
    {
        // A generated sample that reached the label refiner (misrouted): the refiner takes accepted samples only.
        var sample = TestJobs.GeneratedSample(JobId);
        await Store.SaveSampleAsync(sample, CancellationToken.None);
        var refiner = ScriptedProcessor.Refiner();
        var (worker, activity) = Worker(refiner);
        var message = TestJobs.MessageFor(sample) with { Topic = Topics.Accepted };

        await HandleInSpanAsync(worker, message);

        Assert.Equal(0, refiner.Calls);
        var failure = Assert.Single((await Store.QueryFailuresAsync(JobId, null, 10, CancellationToken.None)).Items);
        Assert.Equal($"label-refiner:{sample.Id}", failure.Id);
        Assert.Contains("is in state Generated", failure.Error, StringComparison.Ordinal);
        var dlt = Assert.Single(_publisher.Messages);
        Assert.Equal(Topics.DeadLetter(Topics.Accepted), dlt.Topic);
        Assert.Equal("label-refiner", RecordingPublisher.Header(dlt, EnvelopeHeaders.DeadLetterStage));
        Assert.Equal(1, activity.FailedCount);
        Assert.Equal(SampleState.Generated, (await Store.GetSampleAsync(sample.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_store_error_on_save_propagates_so_the_message_is_not_acked()
    {
        var sample = TestJobs.GeneratedSample(JobId);
        await Store.SaveSampleAsync(sample, CancellationToken.None);
        var flaky = new FlakyStore(Store) { FailingSaves = 1 };
        var filter = ScriptedProcessor.Filter();
        var (worker, activity) = Worker(filter, flaky);

        await Assert.ThrowsAsync<IOException>(() => worker.HandleAsync(TestJobs.MessageFor(sample), CancellationToken.None));

        Assert.Empty(_publisher.Messages);
        Assert.Equal(0, (await Store.CountAsync(JobId, CancellationToken.None)).Failures);
        Assert.Equal(SampleState.Generated, (await Store.GetSampleAsync(sample.Id, CancellationToken.None))!.State);
        Assert.Equal(0, activity.InFlight);

        // The redelivery then succeeds, with exactly one filter decision.
        await worker.HandleAsync(TestJobs.MessageFor(sample), CancellationToken.None);
        var stored = await Store.GetSampleAsync(sample.Id, CancellationToken.None);
        Assert.Equal(SampleState.Accepted, stored!.State);
        Assert.Single(stored.Decisions, d => d.Stage == Stage.Filter);
        Assert.Equal(Topics.Accepted, Assert.Single(_publisher.Messages).Topic);
    }

    [Fact]
    public async Task The_processor_works_on_the_stored_copy_and_its_label_changes_are_kept()
    {
        var sample = TestJobs.GeneratedSample(JobId, label: "negative");
        var accepted = TestJobs.Advanced(sample, Stage.Filter, SampleState.Accepted);
        await Store.SaveSampleAsync(accepted, CancellationToken.None);
        var refiner = new ScriptedProcessor(Stage.LabelRefiner, s =>
        {
            s.LabelHistory.Add(new LabelChange { From = s.Content.Label, To = "positive", Method = LabelMethod.LlmRelabel, Confidence = 0.8 });
            s.Content.Label = "positive";
            return new StageVerdict(SampleState.Refined);
        });
        var (worker, _) = Worker(refiner);
        var message = TestJobs.MessageFor(accepted);

        await HandleInSpanAsync(worker, message);

        var stored = await Store.GetSampleAsync(sample.Id, CancellationToken.None);
        Assert.Equal("positive", stored!.Content.Label);
        Assert.Equal(LabelMethod.LlmRelabel, Assert.Single(stored.LabelHistory).Method);
        Assert.Equal(Topics.Refined, Assert.Single(_publisher.Messages).Topic);
        // The inbound message's bytes were not touched.
        Assert.Equal(TestJobs.MessageFor(accepted).Value, message.Value);
    }

    [Fact]
    public async Task A_reviewers_label_on_the_stored_copy_survives_the_next_stage_saving_an_older_copy()
    {
        var refined = TestJobs.Advanced(TestJobs.Advanced(TestJobs.GeneratedSample(JobId, label: "negative"), Stage.Filter, SampleState.Accepted), Stage.LabelRefiner, SampleState.Refined);
        var message = TestJobs.MessageFor(refined);
        // While the message is in flight, a reviewer labels the stored copy.
        var reviewed = SampleJson.Deserialize(SampleJson.Serialize(refined));
        reviewed.Content.Label = "positive";
        reviewed.LabelHistory.Add(new LabelChange { From = "negative", To = "positive", Method = LabelMethod.HumanReview, By = "alice", At = DateTimeOffset.UnixEpoch.AddDays(1) });
        reviewed.Review = new ReviewRecord { Status = ReviewStatus.Labelled, Reviewer = "alice", Label = "positive" };
        await Store.SaveSampleAsync(reviewed, CancellationToken.None);
        string? labelSeen = null;
        var (worker, _) = Worker(new ScriptedProcessor(Stage.Evaluator, s =>
        {
            labelSeen = s.Content.Label;
            return new StageVerdict(SampleState.Evaluated);
        }));

        await HandleInSpanAsync(worker, message);

        var stored = await Store.GetSampleAsync(refined.Id, CancellationToken.None);
        Assert.Equal("positive", labelSeen);
        Assert.Equal(SampleState.Evaluated, stored!.State);
        Assert.Equal("positive", stored.Content.Label);
        Assert.Equal(ReviewStatus.Labelled, stored.Review!.Status);
        Assert.Contains(stored.LabelHistory, c => c.Method == LabelMethod.HumanReview && c.By == "alice");
    }

    [Fact]
    public async Task At_most_max_processing_processor_calls_run_at_once_however_many_messages_are_in_flight()
    {
        var samples = Enumerable.Range(0, 6).Select(i => TestJobs.GeneratedSample(JobId, i, 0, $"Review {i}.")).ToList();
        foreach (var sample in samples)
        {
            await Store.SaveSampleAsync(sample, CancellationToken.None);
        }

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var mostAtOnce = 0;
        var filter = new GatedProcessor(Stage.Filter, async () =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            await release.Task;
            Interlocked.Decrement(ref running);
        });
        var catalog = new JobCatalog(Store);
        catalog.Add(TestJobs.Create(JobId));
        var worker = new StageWorker(filter, Store, _publisher, catalog, new StageActivity(Stage.Filter), _time, NullLogger<StageWorker>.Instance,
            Instance, maxProcessing: 2);

        var handling = new List<Task>();
        foreach (var sample in samples)
        {
            handling.Add(worker.HandleAsync(await TestJobs.EmittedAsync(sample), CancellationToken.None));
        }

        await WaitUntilAsync(() => Volatile.Read(ref running) == 2);
        await Task.Delay(100);
        Assert.Equal(2, Volatile.Read(ref mostAtOnce));
        release.SetResult();
        await Task.WhenAll(handling);

        Assert.Equal(2, mostAtOnce);
        Assert.Equal(6, _publisher.Messages.Count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "Timed out.");
            await Task.Delay(10);
        }
    }

    /// <summary>A filter that accepts each sample after <paramref name="work"/> finishes.</summary>
    private sealed class GatedProcessor(Stage stage, Func<Task> work) : ISampleProcessor
    {
        public Stage Stage { get; } = stage;

        public async ValueTask<StageVerdict> ProcessAsync(SampleDocument sample, PipelineJob job, CancellationToken cancellationToken)
        {
            await work();
            return new StageVerdict(SampleState.Accepted, null, null);
        }
    }
}
