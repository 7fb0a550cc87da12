using Confluent.Kafka;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Testing;
using Xunit.Abstractions;

namespace Synth.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class DistributedPipelineTests(ITestOutputHelper output)
{
    private const int Target = 1000;
    private const int SamplesPerRequest = 5;

    [Fact]
    public async Task Thousand_samples_pass_four_processes_exactly_once_each_in_one_trace()
    {
        const string jobId = "e2e-distributed";
        await using var pipeline = await DistributedPipeline.StartAsync(jobId, Target, SamplesPerRequest);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await pipeline.WaitForFinalAsync(jobId, Target, TimeSpan.FromMinutes(4));
        output.WriteLine($"1,000 samples through 4 processes in {clock.Elapsed.TotalSeconds:F1} s");

        // Each running service reports itself healthy in its health file.
        foreach (var stage in Enum.GetValues<Stage>())
        {
            var health = await File.ReadAllTextAsync(Path.Combine(pipeline.Directory, $"{stage.Name()}.health.json"));
            Assert.StartsWith("{\"status\":\"Healthy\"", health, StringComparison.Ordinal);
        }

        pipeline.StopAll();

        var samples = await PipelineAssertions.EveryPlannedSampleFinishedExactlyOnceAsync(pipeline.Store, jobId, Target, SamplesPerRequest);

        // Four separate processes decided on each evaluated sample.
        var evaluated = samples.Where(s => s.State == SampleState.Evaluated).ToList();
        Assert.All(evaluated, s => Assert.Equal(4, s.Decisions.Select(d => d.DecidedBy).Distinct().Count()));

        // The exported spans: each sample's trace holds spans of all four services, linked producer → consumer.
        var spansByTrace = pipeline.Traces.Spans.GroupBy(s => s.TraceId).ToDictionary(g => g.Key, g => g.ToList());
        Assert.All(evaluated, sample =>
        {
            Assert.True(spansByTrace.TryGetValue(sample.TraceId!, out var spans), $"No spans exported for the trace of {sample.Id}.");
            var services = spans!.Select(s => s.ServiceName).ToHashSet();
            Assert.Superset(new HashSet<string> { "synth-generator", "synth-filter", "synth-label-refiner", "synth-evaluator" }, services);
            var producers = spans!.Where(s => s.Kind == ReceivedSpan.KindProducer).ToList();
            var consumers = spans!.Where(s => s.Kind == ReceivedSpan.KindConsumer).ToList();
            Assert.Equal(3, consumers.Count);
            Assert.All(consumers, c => Assert.Contains(producers, p => p.SpanId == c.ParentSpanId));
            Assert.All(consumers, c => Assert.Equal(sample.Id, c.Attributes["messaging.message.id"]));
        });
        Assert.Equal(evaluated.Count, evaluated.Select(s => s.TraceId).Distinct().Count());
    }

    [Fact]
    public async Task A_poison_sample_is_stored_as_a_failure_and_dead_lettered_while_the_rest_flows_on()
    {
        const string jobId = "e2e-poison";
        const int target = 100;
        await using var pipeline = await DistributedPipeline.StartAsync(jobId, target, SamplesPerRequest, new Dictionary<string, string?>
        {
            ["SYNTH_TEST_POISON_EVERY"] = "25",
        });

        // Ordinals 24, 49, 74, 99 are poison; of the other every-10th (rejects) 49 and 99 are taken: 8 rejected among
        // the first 100, and more among the requests that make up for the rejected and dead-lettered ones.
        var poisonIds = new[] { 24, 49, 74, 99 }.Select(i => SampleIds.For(jobId, i / SamplesPerRequest, i % SamplesPerRequest)).ToHashSet();
        // The generator makes up for the dead-lettered samples as for the rejected ones.
        var counts = await pipeline.WaitForFinalAsync(jobId, target, TimeSpan.FromMinutes(3));
        await pipeline.WaitForAsync(c => c.Failures == poisonIds.Count, jobId, TimeSpan.FromMinutes(1));
        Assert.True(counts[SampleState.Rejected] >= 8, $"{counts[SampleState.Rejected]} rejected");

        var failures = (await pipeline.Store.QueryFailuresAsync(jobId, null, 100, CancellationToken.None)).Items;
        Assert.Equal(poisonIds, failures.Select(f => f.SampleId!).ToHashSet());
        foreach (var failure in failures)
        {
            var sample = await pipeline.Store.GetSampleAsync(failure.SampleId!, CancellationToken.None);
            Assert.Equal(SampleState.Generated, sample!.State);
            Assert.Equal(Stage.Filter, failure.Stage);
            Assert.Equal(Topics.Generated, failure.OriginTopic);
            Assert.NotNull(failure.OriginOffset);
            Assert.Equal(sample.TraceId, failure.TraceId);
            Assert.Contains("poison by design", failure.Error, StringComparison.Ordinal);
        }

        // The dead-letter topic holds each poison message with where it came from.
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = pipeline.Broker.Bootstrap,
            GroupId = "e2e-dlt-reader",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 10,
        }).Build();
        consumer.Subscribe(Topics.DeadLetter(Topics.Generated));
        var deadLetters = new Dictionary<string, Headers>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (deadLetters.Count < poisonIds.Count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { Message: { } message })
            {
                deadLetters[message.Key] = message.Headers;
            }
        }

        consumer.Close();
        Assert.Equal(poisonIds, deadLetters.Keys.ToHashSet());
        Assert.All(deadLetters.Values, headers =>
        {
            Assert.Equal("filter", Header(headers, EnvelopeHeaders.DeadLetterStage));
            Assert.Equal(Topics.Generated, Header(headers, EnvelopeHeaders.DeadLetterOriginTopic));
            Assert.NotNull(Header(headers, EnvelopeHeaders.DeadLetterOriginOffset));
            Assert.Contains("poison by design", Header(headers, EnvelopeHeaders.DeadLetterError), StringComparison.Ordinal);
        });
        pipeline.StopAll();
    }

    private static string? Header(Headers headers, string name) =>
        headers.TryGetLastBytes(name, out var value) ? System.Text.Encoding.UTF8.GetString(value) : null;

    [Theory]
    [InlineData(Stage.Filter)]
    [InlineData(Stage.Generator)]
    [InlineData(Stage.LabelRefiner)]
    [InlineData(Stage.Evaluator)]
    public async Task A_stage_killed_mid_stream_and_restarted_loses_and_duplicates_nothing(Stage victim)
    {
        var jobId = $"e2e-kill-{victim.Name()}";
        await using var pipeline = await DistributedPipeline.StartAsync(jobId, Target, SamplesPerRequest, new Dictionary<string, string?>
        {
            // The generator paces the stream (8 requests of 5 at once, 400 ms each: 100 samples/s, about 11 s in all), so
            // the kill lands mid-stream even when a loaded machine delays the poll below by seconds. At 20 ms a request the
            // generator ran 2,000 samples/s and the stages decided in polled batches: one CI run saw 0 → 1,004 evaluated
            // between two polls.
            ["SYNTH_TEST_GENERATOR_DELAY_MS"] = "400",
            ["SYNTH_TEST_FILTER_DELAY_MS"] = "5",
        });

        await pipeline.WaitForAsync(c => c[SampleState.Evaluated] >= 150, jobId, TimeSpan.FromMinutes(2));
        pipeline.Kill(victim);
        var atKill = await pipeline.Store.CountAsync(jobId, CancellationToken.None);
        output.WriteLine($"killed {victim.Name()} at {DistributedPipeline.Describe(atKill)}");
        Assert.True(atKill[SampleState.Evaluated] + atKill[SampleState.Rejected] < Target, "The kill came too late to be mid-stream.");

        await Task.Delay(500);
        pipeline.Start(victim);
        await pipeline.WaitForFinalAsync(jobId, Target, TimeSpan.FromMinutes(4));
        pipeline.StopAll();

        await PipelineAssertions.EveryPlannedSampleFinishedExactlyOnceAsync(pipeline.Store, jobId, Target, SamplesPerRequest);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}
