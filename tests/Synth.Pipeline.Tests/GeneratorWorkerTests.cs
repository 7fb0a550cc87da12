using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Pipeline.Tests;

public sealed class GeneratorWorkerTests : IAsyncLifetime
{
    private const string Instance = "gen-1";

    private readonly RecordingPublisher _publisher = new();
    private readonly FixedTime _time = new();
    private TempStore _temp = null!;

    public GeneratorWorkerTests() => Tracing.EnsureListening();

    private ISampleStore Store => _temp.Store;

    public async Task InitializeAsync() => _temp = await TempStore.CreateAsync();

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    private (GeneratorWorker Worker, StageActivity Activity) Worker(
        ScriptedGenerator generator, IMessagePublisher? publisher = null, string instance = Instance, GeneratorOptions? options = null)
    {
        var activity = new StageActivity(Stage.Generator);
        return (new GeneratorWorker(generator, Store, _temp.Stores.RequestClaims, publisher ?? _publisher, activity, _time,
            NullLogger<GeneratorWorker>.Instance, instance, options), activity);
    }

    [Theory]
    [InlineData(10, 3, new[] { 3, 3, 3, 1 })]
    [InlineData(9, 3, new[] { 3, 3, 3 })]
    [InlineData(1, 5, new[] { 1 })]
    public async Task Plans_ceil_target_over_samples_per_request_with_the_last_asking_for_the_remainder(int target, int perRequest, int[] expected)
    {
        var job = TestJobs.Create($"plan-{target}-{perRequest}", target, perRequest);
        var generator = ScriptedGenerator.Reviews();
        var (worker, _) = Worker(generator);

        Assert.Equal(expected.Length, GeneratorWorker.RequestCount(job));
        await worker.RunFirstPassAsync(job, maxConcurrentRequests: 3, CancellationToken.None);

        var requests = generator.Requests;
        Assert.Equal(expected, requests.Select(r => r.SampleCount));
        Assert.Equal(Enumerable.Range(0, expected.Length).Select(i => (long)i), requests.Select(r => r.RequestIndex));
        Assert.Equal(Enumerable.Range(0, expected.Length).Select(i => SampleIds.Request(job.JobId, i)), requests.Select(r => r.RequestId));
        Assert.All(requests, r => Assert.Same(job, r.Job));

        var counts = await Store.CountAsync(job.JobId, CancellationToken.None);
        Assert.Equal(target, counts[SampleState.Generated]);
        Assert.Equal(expected.Length, counts.RequestsSucceeded);
        Assert.Equal(target, _publisher.To(Topics.Generated).Count);
    }

    [Fact]
    public async Task Requests_finishing_while_a_request_write_runs_are_stored_together_and_published_only_once_stored()
    {
        var job = TestJobs.Create("grouped-writes", target: 12, samplesPerRequest: 2);
        var generator = ScriptedGenerator.Reviews();
        var held = new HeldRequestWritesStore(Store);
        var worker = new GeneratorWorker(generator, held, _temp.Stores.RequestClaims, _publisher, new StageActivity(Stage.Generator), _time,
            NullLogger<GeneratorWorker>.Instance, Instance);

        var run = worker.RunFirstPassAsync(job, maxConcurrentRequests: 6, CancellationToken.None);
        var deadline = Stopwatch.StartNew();
        while (generator.Requests.Count < 6 && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }

        // The requests answered while the first write is held queue behind it.
        await Task.Delay(500);
        Assert.Empty(_publisher.Messages);
        held.Release();
        Assert.Null(await run);

        Assert.Equal(2, held.BatchSizes.Count);
        Assert.Equal(6, held.BatchSizes.Sum());
        Assert.Equal(12, _publisher.To(Topics.Generated).Count);
        Assert.Equal(6, (await Store.CountAsync(job.JobId, CancellationToken.None)).RequestsSucceeded);
    }

    [Fact]
    public async Task Requests_with_a_ledger_record_are_not_sent_again()
    {
        var job = TestJobs.Create("skip-recorded", target: 8, samplesPerRequest: 2);
        foreach (var index in new long[] { 0, 2 })
        {
            await Store.SaveRequestAsync(new RequestRecord
            {
                Id = SampleIds.Request(job.JobId, index),
                JobId = job.JobId,
                Index = index,
                Status = index == 0 ? RequestStatus.Succeeded : RequestStatus.Failed,
                Error = index == 0 ? null : "earlier failure",
            }, [], CancellationToken.None);
        }

        var generator = ScriptedGenerator.Reviews();
        var (worker, _) = Worker(generator);
        await worker.RunFirstPassAsync(job, 4, CancellationToken.None);

        Assert.Equal([1L, 3L], generator.Requests.Select(r => r.RequestIndex));

        // A rerun sends nothing at all.
        var again = ScriptedGenerator.Reviews();
        await Worker(again).Worker.RunFirstPassAsync(job, 4, CancellationToken.None);
        Assert.Empty(again.Requests);
    }

    [Fact]
    public async Task A_failed_result_is_stored_as_a_failed_request_with_its_error_and_no_samples()
    {
        var job = TestJobs.Create("failed-result", target: 4, samplesPerRequest: 2);
        var generator = new ScriptedGenerator(r => r.RequestIndex == 1
            ? GenerationResult.Failed("the answer was not JSON", rawResponse: "Sure! Here you go", attempts: 3)
            : ScriptedGenerator.Answer(r));
        var (worker, activity) = Worker(generator);

        await worker.RunFirstPassAsync(job, 1, CancellationToken.None);

        var record = await Store.GetRequestAsync(SampleIds.Request(job.JobId, 1), CancellationToken.None);
        Assert.NotNull(record);
        Assert.Equal(RequestStatus.Failed, record.Status);
        Assert.Equal("the answer was not JSON", record.Error);
        Assert.Equal("Sure! Here you go", record.RawResponse);
        Assert.Equal(3, record.Attempts);
        Assert.Empty(record.SampleIds);
        Assert.Equal(FixedTime.Start, record.At);
        Assert.Null(await Store.GetSampleAsync(SampleIds.For(job.JobId, 1, 0), CancellationToken.None));

        var counts = await Store.CountAsync(job.JobId, CancellationToken.None);
        Assert.Equal(1, counts.RequestsFailed);
        Assert.Equal(1, counts.RequestsSucceeded);
        Assert.Equal(2, counts[SampleState.Generated]);
        Assert.Equal(1, activity.FailedCount);
        Assert.Equal(2, activity.Outcome(SampleState.Generated));
        Assert.DoesNotContain(_publisher.Messages, m => m.Key.Contains("-r000001-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_throwing_generator_is_a_failed_request_not_a_crash()
    {
        var job = TestJobs.Create("throwing", target: 3, samplesPerRequest: 1);
        var generator = new ScriptedGenerator(r => r.RequestIndex == 2 ? throw new HttpRequestException("connection refused") : ScriptedGenerator.Answer(r));
        var (worker, activity) = Worker(generator);

        await worker.RunFirstPassAsync(job, 2, CancellationToken.None);

        var record = await Store.GetRequestAsync(SampleIds.Request(job.JobId, 2), CancellationToken.None);
        Assert.Equal(RequestStatus.Failed, record!.Status);
        Assert.Equal("HttpRequestException: connection refused", record.Error);
        Assert.Empty(record.SampleIds);
        var counts = await Store.CountAsync(job.JobId, CancellationToken.None);
        Assert.Equal(1, counts.RequestsFailed);
        Assert.Equal(2, counts.RequestsSucceeded);
        Assert.Equal(1, activity.FailedCount);
        Assert.Equal(0, activity.InFlight);
    }

    [Fact]
    public async Task Samples_get_deterministic_ids_shares_a_generator_decision_label_history_and_a_trace_each()
    {
        var job = TestJobs.Create("sample-shape", target: 3, samplesPerRequest: 3);
        var generator = new ScriptedGenerator(r => ScriptedGenerator.Answer(r) with
        {
            Drafts = [.. ScriptedGenerator.Answer(r).Drafts.Select((d, i) => i == 2 ? d with { Content = new SampleContent { Text = "unlabelled" } } : d)],
            Usage = new TokenUsage { PromptTokens = 100, CompletionTokens = 62 },
            CostUsd = 0.0003m,
        });
        var (worker, _) = Worker(generator);

        await worker.RunFirstPassAsync(job, 1, CancellationToken.None);

        var record = await Store.GetRequestAsync(SampleIds.Request(job.JobId, 0), CancellationToken.None);
        Assert.Equal(RequestStatus.Succeeded, record!.Status);
        Assert.Equal([SampleIds.For(job.JobId, 0, 0), SampleIds.For(job.JobId, 0, 1), SampleIds.For(job.JobId, 0, 2)], record.SampleIds);
        Assert.Equal("scripted-model", record.Model);
        Assert.Equal(0.0003m, record.CostUsd);
        Assert.Equal(162, record.Usage.TotalTokens);

        var samples = (await _temp.AllSamplesAsync(job.JobId)).OrderBy(s => s.Id).ToList();
        Assert.Equal(record.SampleIds, samples.Select(s => s.Id));
        Assert.Equal(["sample-shape-r000000-s000", "sample-shape-r000000-s001", "sample-shape-r000000-s002"], samples.Select(s => s.Id));

        // Even shares that add up to the request's totals.
        Assert.Equal([34L, 33L, 33L], samples.Select(s => s.Provenance.Usage.PromptTokens));
        Assert.Equal([21L, 21L, 20L], samples.Select(s => s.Provenance.Usage.CompletionTokens));
        Assert.Equal(record.Usage.PromptTokens, samples.Sum(s => s.Provenance.Usage.PromptTokens));
        Assert.Equal(record.Usage.CompletionTokens, samples.Sum(s => s.Provenance.Usage.CompletionTokens));
        Assert.All(samples, s => Assert.Equal(0.0001m, s.Provenance.CostUsd));

        foreach (var (sample, i) in samples.Select((s, i) => (s, i)))
        {
            Assert.Equal(SampleState.Generated, sample.State);
            Assert.Equal(job.JobId, sample.JobId);
            Assert.Equal(TaskType.TextClassification, sample.TaskType);
            Assert.Equal(record.Id, sample.Provenance.RequestId);
            Assert.Equal(0, sample.Provenance.RequestIndex);
            Assert.Equal(i, sample.Provenance.IndexInRequest);
            Assert.Equal("scripted", sample.Provenance.Provider);
            Assert.Equal("scripted-model", sample.Provenance.Model);
            Assert.Equal("scripted", sample.Provenance.Strategy);
            Assert.Equal("scripted-v1", sample.Provenance.TemplateId);
            Assert.Equal("abc123", sample.Provenance.PromptHash);
            Assert.Equal("battery", sample.Provenance.Conditions["topic"]);
            Assert.Equal(["demo-1"], sample.Provenance.DemoIds);
            Assert.Equal("0", sample.Provenance.Parameters["temperature"]);
            Assert.Equal(FixedTime.Start, sample.CreatedAt);

            var decision = Assert.Single(sample.Decisions);
            Assert.Equal(Stage.Generator, decision.Stage);
            Assert.Equal(SampleState.Generated, decision.Outcome);
            Assert.Equal(Instance, decision.DecidedBy);
            Assert.Equal(sample.TraceId, decision.TraceId);
            Assert.Matches("^[0-9a-f]{16}$", decision.SpanId!);
            Assert.Matches("^[0-9a-f]{32}$", sample.TraceId!);
        }

        Assert.Equal(["positive", "negative"], samples.Take(2).Select(s => Assert.Single(s.LabelHistory).To));
        Assert.All(samples.Take(2), s =>
        {
            var change = Assert.Single(s.LabelHistory);
            Assert.Null(change.From);
            Assert.Equal(LabelMethod.Generator, change.Method);
            Assert.Equal("scripted-model", change.By);
        });
        Assert.Empty(samples[2].LabelHistory);

        // One trace per sample, none of them the request's.
        Assert.Equal(3, samples.Select(s => s.TraceId).Distinct().Count());
        Assert.NotNull(record.TraceId);
        Assert.DoesNotContain(record.TraceId, samples.Select(s => s.TraceId));
    }

    // Regression: shares were Round(cost / n, 10) each, so 1.00 over 3 samples summed to 0.9999999999.
    [Fact]
    public async Task Cost_shares_add_up_to_the_requests_cost()
    {
        var job = TestJobs.Create("cost-shares", target: 3, samplesPerRequest: 3);
        var generator = new ScriptedGenerator(r => ScriptedGenerator.Answer(r) with { CostUsd = 1.00m });
        await Worker(generator).Worker.RunFirstPassAsync(job, 1, CancellationToken.None);

        var samples = await _temp.AllSamplesAsync(job.JobId);
        Assert.Equal(3, samples.Count);
        Assert.Equal(1.00m, samples.Sum(s => s.Provenance.CostUsd));
    }

    [Fact]
    public async Task Each_published_message_carries_its_samples_trace_in_traceparent()
    {
        var job = TestJobs.Create("traceparent", target: 6, samplesPerRequest: 3);
        var (worker, _) = Worker(ScriptedGenerator.Reviews());

        // Even inside an unrelated span (a CLI command, say) samples start traces of their own.
        using (var outer = Tracing.TestSource.StartActivity("outer"))
        {
            Assert.NotNull(outer);
            await worker.RunFirstPassAsync(job, 2, CancellationToken.None);
            Assert.Same(outer, Activity.Current);
            Assert.DoesNotContain(outer.TraceId.ToHexString(), (await _temp.AllSamplesAsync(job.JobId)).Select(s => s.TraceId));
        }

        var samples = (await _temp.AllSamplesAsync(job.JobId)).ToDictionary(s => s.Id);
        var messages = _publisher.To(Topics.Generated);
        Assert.Equal(6, messages.Count);
        Assert.Equal(samples.Keys.Order(), messages.Select(m => m.Key).Order());
        foreach (var message in messages)
        {
            var sample = samples[message.Key];
            var traceparent = RecordingPublisher.Header(message, EnvelopeHeaders.TraceParent);
            Assert.NotNull(traceparent);
            Assert.Equal(sample.TraceId, Tracing.TraceIdOf(traceparent));
            Assert.Equal("synth.sample.generated.v2", RecordingPublisher.Header(message, EnvelopeHeaders.Type));
            Assert.Equal($"/synth/generator/{Instance}", RecordingPublisher.Header(message, EnvelopeHeaders.Source));
            Assert.Equal(SampleNotification.Of(sample), SampleNotification.Parse(message.Value));
        }
    }

    [Fact]
    public async Task A_block_left_between_storing_and_publishing_is_taken_over_its_stored_samples_published_again()
    {
        var job = TestJobs.Create("republish", target: 6, samplesPerRequest: 2);
        // The first life stores request 0 and dies publishing it: its block is left unfinished.
        await Assert.ThrowsAsync<IOException>(() => Worker(ScriptedGenerator.Reviews(), new BrokenPublisher()).Worker.RunFirstPassAsync(job, 1, CancellationToken.None));
        Assert.Equal([0L], await Store.GetRecordedRequestIndexesAsync(job.JobId, CancellationToken.None));
        // One sample moved on meanwhile: it is the filter's business no more.
        var moved = await Store.GetSampleAsync(SampleIds.For(job.JobId, 0, 0), CancellationToken.None);
        await Store.SaveSampleAsync(TestJobs.Advanced(moved!, Stage.Filter, SampleState.Accepted), CancellationToken.None);

        var generator = ScriptedGenerator.Reviews();
        await Worker(generator).Worker.RunFirstPassAsync(job, 2, CancellationToken.None);

        Assert.Equal([1L, 2L], generator.Requests.Select(r => r.RequestIndex).Order());
        var stored = (await _temp.AllSamplesAsync(job.JobId)).ToDictionary(s => s.Id);
        var messages = _publisher.Messages;
        Assert.All(messages, m => Assert.Equal(Topics.Generated, m.Topic));
        Assert.Equal(stored.Keys.Where(id => id != moved!.Id).Order(), messages.Select(m => m.Key).Order());
        Assert.All(messages, m => Assert.Equal(stored[m.Key].TraceId, Tracing.TraceIdOf(RecordingPublisher.Header(m, EnvelopeHeaders.TraceParent)!)));
    }

    [Fact]
    public async Task Instances_sharing_a_job_send_each_request_once()
    {
        var job = TestJobs.Create("shared", target: 40, samplesPerRequest: 2);
        var generators = Enumerable.Range(0, 3).Select(_ => ScriptedGenerator.Reviews()).ToList();
        var options = new GeneratorOptions { ClaimBlockSize = 2 };

        await Task.WhenAll(generators.Select((g, i) => Task.Run(() => Worker(g, instance: $"gen-{i}", options: options).Worker.RunFirstPassAsync(job, 2, CancellationToken.None))));

        var sent = generators.SelectMany(g => g.Requests.Select(r => r.RequestIndex)).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), sent);
        Assert.Equal(40, _publisher.Messages.Select(m => m.Key).Distinct().Count());
    }

    [Fact]
    public async Task A_dead_instances_block_waits_for_its_lease_then_another_sends_what_it_had_not_recorded()
    {
        var job = TestJobs.Create("dead-lease", target: 8, samplesPerRequest: 2);
        var options = new GeneratorOptions { ClaimBlockSize = 2, ClaimLease = TimeSpan.FromSeconds(10) };
        var claims = _temp.Stores.RequestClaims;
        await claims.PlanAtLeastAsync(job.JobId, 4, CancellationToken.None);
        var dead = await claims.TryClaimAsync(job.JobId, "dead", 2, _time.Now, _time.Now.AddSeconds(10), CancellationToken.None);
        Assert.Equal((0L, 2L), (dead!.Start, dead.End));
        // It had recorded request 0 before it died.
        await Store.SaveRequestAsync(new RequestRecord { Id = SampleIds.Request(job.JobId, 0), JobId = job.JobId, Index = 0, Status = RequestStatus.Succeeded }, [], CancellationToken.None);

        var generator = ScriptedGenerator.Reviews();
        var worker = Worker(generator, options: options).Worker;
        await worker.RunFirstPassAsync(job, 2, CancellationToken.None);
        Assert.Equal([2L, 3L], generator.Requests.Select(r => r.RequestIndex).Order());

        _time.Now = _time.Now.AddSeconds(10);
        await worker.RunFirstPassAsync(job, 2, CancellationToken.None);
        Assert.Equal([1L, 2L, 3L], generator.Requests.Select(r => r.RequestIndex).Order());
        Assert.Equal([0L, 1L, 2L, 3L], (await Store.GetRecordedRequestIndexesAsync(job.JobId, CancellationToken.None)).Order());
    }

    [Fact]
    public async Task Waiting_for_stages_that_never_decide_fails_after_the_stall_timeout_instead_of_hanging()
    {
        var job = TestJobs.Create("stalled", target: 4, samplesPerRequest: 2);
        var worker = Worker(ScriptedGenerator.Reviews(), options: new GeneratorOptions { StallTimeout = TimeSpan.FromMinutes(5) }).Worker;

        // No stage runs here: the generated samples are never decided.
        var run = worker.RunAsync(job, 2, CancellationToken.None);
        for (var minute = 0; minute < 100 && !run.IsCompleted; minute++)
        {
            _time.Now += TimeSpan.FromMinutes(1);
            await Task.WhenAny(run, Task.Delay(100));
        }

        var stalled = await Assert.ThrowsAsync<GenerationStalledException>(() => run);
        Assert.Contains("'stalled'", stalled.Message, StringComparison.Ordinal);
        Assert.Contains("4 wait for a stage", stalled.Message, StringComparison.Ordinal);
    }

    private sealed class BrokenPublisher : IMessagePublisher
    {
        public Task PublishAsync(OutboundMessage message, CancellationToken cancellationToken) => throw new IOException("the broker went away");
    }
}
