using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Store;

namespace Synth.Pipeline.Tests;

public sealed class LocalPipelineTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private TempStore _temp = null!;

    public LocalPipelineTests() => Tracing.EnsureListening();

    private ISampleStore Store => _temp.Store;

    public async Task InitializeAsync() => _temp = await TempStore.CreateAsync();

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    private sealed class Stages
    {
        public ScriptedGenerator Generator { get; } = ScriptedGenerator.Reviews();
        public ScriptedProcessor Filter { get; } = ScriptedProcessor.Filter();
        public ScriptedProcessor Refiner { get; } = ScriptedProcessor.Refiner();
        public ScriptedProcessor Evaluator { get; } = ScriptedProcessor.Evaluator();
    }

    private sealed class ProgressLog : IProgress<PipelineProgress>
    {
        public ConcurrentQueue<PipelineProgress> Reports { get; } = new();

        public void Report(PipelineProgress value) => Reports.Enqueue(value);
    }

    private async Task<JobCounts> RunAsync(PipelineJob job, Stages stages, IProgress<PipelineProgress>? progress = null)
    {
        var pipeline = new ScriptedPipeline(
            _temp.Stores, stages.Generator, [stages.Filter, stages.Refiner, stages.Evaluator],
            new ProcessorOptions { MaxInFlight = 8, MaxConcurrentRequests = 4 });
        using var timeout = new CancellationTokenSource(Timeout);
        var spec = TestJobs.SpecText(job.JobId, job.Spec.Generation.Target, job.Spec.Generation.SamplesPerRequest);
        return await pipeline.RunAsync(job, spec, progress, timeout.Token);
    }

    /// <summary>Handles a message inside a consumer span, as the transports do.</summary>
    private static async Task HandleInSpanAsync(StageWorker worker, Messaging.InboundMessage message)
    {
        using var span = Messaging.MessageTracing.StartProcess(message, "test", "test-group");
        await worker.HandleAsync(message, CancellationToken.None);
    }

    /// <summary>Every sample finished, with exactly one decision of each stage it passed, in pipeline order.</summary>
    private async Task<List<SampleDocument>> AssertAllFinishedAsync(PipelineJob job, int expected)
    {
        var samples = await _temp.AllSamplesAsync(job.JobId);
        Assert.Equal(expected, samples.Count);
        foreach (var sample in samples)
        {
            Stage[] passed = sample.State switch
            {
                SampleState.Evaluated => [Stage.Generator, Stage.Filter, Stage.LabelRefiner, Stage.Evaluator],
                SampleState.Rejected => [Stage.Generator, Stage.Filter],
                _ => throw new Xunit.Sdk.XunitException($"Sample {sample.Id} ended in state {sample.State}."),
            };
            Assert.Equal(passed, sample.Decisions.Select(d => d.Stage));
            Assert.Equal(sample.State, sample.Decisions[^1].Outcome);
            // The whole path shares the sample's trace.
            Assert.All(sample.Decisions, d => Assert.Equal(sample.TraceId, d.TraceId));
        }

        return samples;
    }

    [Fact]
    public async Task A_200_sample_job_finishes_every_sample_with_one_decision_per_stage()
    {
        var job = TestJobs.Create("local-200", target: 200, samplesPerRequest: 5);
        var stages = new Stages();
        var progress = new ProgressLog();

        var counts = await RunAsync(job, stages, progress);

        // The target counts curated samples: every 10th sample is rejected, so the generator asks for more than 40
        // requests, and for no more than rounding up to whole requests needs (5 samples, 4.5 of them curated).
        var curated = counts[SampleState.Evaluated];
        Assert.InRange(curated, 200, 200 + 4);
        var requests = stages.Generator.Requests.Count;
        Assert.InRange(requests, 45, 46);
        Assert.Equal(requests * 5, counts.TotalSamples);
        Assert.Equal(requests * 5 / 10, counts[SampleState.Rejected]);
        Assert.Equal(requests, counts.RequestsSucceeded);
        Assert.Equal(0, counts.RequestsFailed);
        Assert.Equal(0, counts.Failures);
        Assert.Equal(counts.TotalSamples, stages.Filter.Calls);
        Assert.Equal(curated, stages.Refiner.Calls);
        Assert.Equal(curated, stages.Evaluator.Calls);

        var samples = await AssertAllFinishedAsync(job, (int)counts.TotalSamples);
        Assert.All(samples.Where(s => s.State == SampleState.Rejected), s => Assert.Contains("[reject]", s.Content.Text, StringComparison.Ordinal));
        Assert.Equal(JobState.Completed, (await Store.GetJobAsync(job.JobId, CancellationToken.None))!.State);

        var last = progress.Reports.Last();
        Assert.True(last.GenerationDone);
        Assert.Equal(requests, last.RequestsPlanned);
        Assert.Equal(curated, last.Curated);
        Assert.Equal(200, last.Target);
    }

    [Fact]
    public async Task Running_a_finished_job_again_does_nothing_new()
    {
        var job = TestJobs.Create("local-rerun", target: 60, samplesPerRequest: 4);
        var first = await RunAsync(job, new Stages());
        var before = (await _temp.AllSamplesAsync(job.JobId)).ToDictionary(s => s.Id, s => SampleJson.ToJson(s));

        var again = new Stages();
        var second = await RunAsync(job, again);

        Assert.Empty(again.Generator.Requests);
        Assert.Equal(0, again.Filter.Calls + again.Refiner.Calls + again.Evaluator.Calls);
        Assert.Equal(first.Samples.OrderBy(p => p.Key), second.Samples.OrderBy(p => p.Key));
        Assert.Equal(first.RequestsSucceeded, second.RequestsSucceeded);
        Assert.Equal(first.Failures, second.Failures);
        var after = (await _temp.AllSamplesAsync(job.JobId)).ToDictionary(s => s.Id, s => SampleJson.ToJson(s));
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task An_interrupted_run_with_samples_in_every_state_is_resumed_to_completion()
    {
        var job = TestJobs.Create("local-resume", target: 60, samplesPerRequest: 5);
        var catalog = new JobCatalog(Store);
        catalog.Add(job);
        // The interrupted run had stored its job as generating, as every run does before it generates.
        await JobDocuments.SaveAsync(Store, job, TestJobs.SpecText(job.JobId, 60, 5), JobState.Generating, TimeProvider.System, CancellationToken.None);

        // The interrupted run: everything generated, the filter got through 40 samples, the refiner through 15 of those.
        var generated = new RecordingPublisher();
        await new GeneratorWorker(ScriptedGenerator.Reviews(), Store, _temp.Stores.RequestClaims, generated, new StageActivity(Stage.Generator), TimeProvider.System,
            NullLogger<GeneratorWorker>.Instance, "before-crash").RunFirstPassAsync(job, 4, CancellationToken.None);
        var accepted = new RecordingPublisher();
        var filter = new StageWorker(ScriptedProcessor.Filter(), Store, accepted, catalog, new StageActivity(Stage.Filter),
            TimeProvider.System, NullLogger<StageWorker>.Instance, "before-crash");
        foreach (var message in generated.Messages.OrderBy(m => m.Key).Take(40))
        {
            await HandleInSpanAsync(filter, RecordingPublisher.Received(message));
        }

        var refiner = new StageWorker(ScriptedProcessor.Refiner(), Store, new RecordingPublisher(), catalog, new StageActivity(Stage.LabelRefiner),
            TimeProvider.System, NullLogger<StageWorker>.Instance, "before-crash");
        foreach (var message in accepted.To(Topics.Accepted).Take(15))
        {
            await HandleInSpanAsync(refiner, RecordingPublisher.Received(message));
        }

        var interrupted = await Store.CountAsync(job.JobId, CancellationToken.None);
        Assert.Equal(20, interrupted[SampleState.Generated]);
        Assert.Equal(21, interrupted[SampleState.Accepted]);
        Assert.Equal(4, interrupted[SampleState.Rejected]);
        Assert.Equal(15, interrupted[SampleState.Refined]);

        var stages = new Stages();
        var counts = await RunAsync(job, stages);

        // No recorded request is sent again; the 6 rejected samples are made up by new requests (12 and 13: 9 more curated).
        Assert.Equal([12L, 13L], stages.Generator.Requests.Select(r => r.RequestIndex).Order());
        Assert.Equal(20 + 10, stages.Filter.Calls);
        Assert.Equal(21 + 18 + 9, stages.Refiner.Calls);
        Assert.Equal(15 + 21 + 18 + 9, stages.Evaluator.Calls);
        Assert.Equal(63, counts[SampleState.Evaluated]);
        Assert.Equal(7, counts[SampleState.Rejected]);
        Assert.Equal(14, counts.RequestsSucceeded);
        Assert.Equal(0, counts.Failures);
        await AssertAllFinishedAsync(job, 70);
    }

    [Fact]
    public async Task A_missing_stage_processor_is_an_error_naming_the_setting()
    {
        var job = TestJobs.Create("local-missing", target: 2, samplesPerRequest: 1);
        var stages = new Stages();
        var pipeline = new ScriptedPipeline(_temp.Stores, stages.Generator, [stages.Filter, stages.Evaluator], new ProcessorOptions());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.RunAsync(job, TestJobs.SpecText(job.JobId, 2, 1), null, CancellationToken.None));

        Assert.Contains("Processors:LabelRefiner", error.Message, StringComparison.Ordinal);
        Assert.Empty(stages.Generator.Requests);
    }
}
