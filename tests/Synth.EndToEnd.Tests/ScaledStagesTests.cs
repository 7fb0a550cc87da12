using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Testing;
using Xunit.Abstractions;

namespace Synth.EndToEnd.Tests;

/// <summary>
/// The built-in processors as separate processes with several instances per consuming stage, against a simulated
/// model serving real review sentences: instances join and die mid-stream, and the metrics each serves show it.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ScaledStagesTests(ITestOutputHelper output)
{
    private const string JobId = "e2e-scaled";
    private const int Target = 400;
    private const int SamplesPerRequest = 5;
    // What the filter, the label refiner and the evaluator consume, 12 partitions each (infra/kafka/topics.txt).
    private static readonly string[] StageTopics = [Topics.Generated, Topics.Accepted, Topics.Refined];

    [Fact]
    public async Task Three_filters_and_two_refiners_finish_every_sample_once_while_a_filter_joins_and_a_refiner_is_killed()
    {
        var clean = new SimulatedModelOptions(["negative", "positive"], WrongLabel: 0, ExactDuplicate: 0, NearDuplicate: 0, Refusal: 0,
            Preamble: 0, OffTask: 0, TruncatedJson: 0, TooManyRequests: 0, ServerError: 0, AnswerErrorRate: 0);
        await using var model = await SimulatedModel.StartAsync(clean, RealText.UciSentences("amazon", "yelp"), []);
        // No processor settings: every stage runs its built-in processor.
        await using var pipeline = await DistributedPipeline.PrepareAsync(JobId, Spec(model.BaseUrl), new Dictionary<string, string?>());
        string[] filters = ["filter-1", "filter-2", "filter-3"];
        foreach (var filter in filters)
        {
            pipeline.StartInstance(Stage.Filter, filter);
        }

        pipeline.StartInstance(Stage.LabelRefiner, "label-refiner-1");
        pipeline.StartInstance(Stage.LabelRefiner, "label-refiner-2");
        pipeline.StartInstance(Stage.Evaluator, "evaluator-1");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        // The generator starts once the consumers serve metrics and is held to 1 request a second (the spec): the
        // filters are still busy when one joins, and the refiners when one dies. At 2 a second a loaded machine (a
        // joining process's start-up and the group's rebalance) let the job's generation end before filter-4 had work.
        await UntilAsync(pipeline, async () => await ScrapeOrNullAsync(http, pipeline, "label-refiner-2") is not null, TimeSpan.FromMinutes(2), "the consumers to start");
        pipeline.StartInstance(Stage.Generator, "generator-1");
        await pipeline.WaitForAsync(c => c.TotalSamples - c[SampleState.Generated] >= 40, JobId, TimeSpan.FromMinutes(4));
        var filteredEarly = await FilteredAsync(http, pipeline, filters);
        pipeline.StartInstance(Stage.Filter, "filter-4");
        var atJoin = await pipeline.Store.CountAsync(JobId, CancellationToken.None);
        output.WriteLine($"filter-4 joined at {DistributedPipeline.Describe(atJoin)}; the filters had counted {filteredEarly}");

        await UntilAsync(
            pipeline,
            async () => await ScrapeOrNullAsync(http, pipeline, "label-refiner-2") is { } scrape && scrape.Sum("synth_stage_messages_total", ("stage", "label-refiner")) > 0,
            TimeSpan.FromMinutes(4), "label-refiner-2 to refine samples");
        pipeline.Kill("label-refiner-2");
        var atKill = await pipeline.Store.CountAsync(JobId, CancellationToken.None);
        output.WriteLine($"label-refiner-2 was killed at {DistributedPipeline.Describe(atKill)}");
        Assert.True(atKill[SampleState.Evaluated] < Target, "The changes came too late to be mid-stream.");

        var counts = await pipeline.WaitForFinalAsync(JobId, Target, TimeSpan.FromMinutes(6));

        // The metrics: the filters' counters moved on, and every live consumer's lag fell to zero.
        Assert.True(await FilteredAsync(http, pipeline, filters) > filteredEarly, "The filters' message counters did not move.");
        await LagFallsToZeroAsync(http, pipeline, ["filter-1", "filter-2", "filter-3", "filter-4", "label-refiner-1", "evaluator-1"]);
        pipeline.StopAll();

        Assert.Equal(0, counts.Failures);
        Assert.Equal(0, counts.RequestsFailed);
        var samples = await PipelineAssertions.AllSamplesAsync(pipeline.Store, JobId);
        Assert.Equal(samples.Count, samples.Select(s => s.Id).Distinct().Count());
        Assert.True(PipelineAssertions.PlannedIds(JobId, Target, SamplesPerRequest, counts.RequestsSucceeded).SetEquals(samples.Select(s => s.Id)),
            "The stored ids are not the planned deterministic ids.");
        Assert.True(counts[SampleState.Evaluated] >= Target, $"{counts[SampleState.Evaluated]} of {Target} curated");
        Stage[] path = [Stage.Generator, Stage.Filter, Stage.LabelRefiner, Stage.Evaluator];
        Assert.All(samples, sample =>
        {
            // One decision per stage it passed, in order, ending in its final state.
            var stages = sample.Decisions.Select(d => d.Stage).ToArray();
            Assert.True(sample.State is SampleState.Evaluated or SampleState.Rejected, $"{sample.Id} is {sample.State}");
            Assert.Equal(path.Take(stages.Length), stages);
            Assert.Equal(sample.State == SampleState.Evaluated ? path.Length : stages.Length, stages.Length);
            Assert.Equal(sample.State, sample.Decisions[^1].Outcome);
        });

        var filteredBy = samples.GroupBy(s => s.Decisions.Single(d => d.Stage == Stage.Filter).DecidedBy!).ToDictionary(g => g.Key, g => g.Count());
        var refinedBy = samples.SelectMany(s => s.Decisions).Where(d => d.Stage == Stage.LabelRefiner).GroupBy(d => d.DecidedBy!).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"filter decisions by instance: {Describe(filteredBy)}; label refiner decisions: {Describe(refinedBy)}; {DistributedPipeline.Describe(counts)}");
        Assert.Equal(["filter-1", "filter-2", "filter-3", "filter-4"], filteredBy.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["label-refiner-1", "label-refiner-2"], refinedBy.Keys.Order(StringComparer.Ordinal));
    }

    /// <summary>Waits for <paramref name="condition"/>; on time-out the message carries every process's last output, so a slow start-up can be told from a crash.</summary>
    private static async Task UntilAsync(DistributedPipeline pipeline, Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"Timed out after {timeout} waiting for {what}.\n{pipeline.Logs()}");
            }

            await Task.Delay(200);
        }
    }

    private static async Task<PrometheusScrape?> ScrapeOrNullAsync(HttpClient http, DistributedPipeline pipeline, string instance)
    {
        try
        {
            return await PrometheusScrape.GetAsync(http, pipeline.MetricsUrl(instance));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task<double> FilteredAsync(HttpClient http, DistributedPipeline pipeline, IEnumerable<string> filters)
    {
        var total = 0.0;
        foreach (var filter in filters)
        {
            var scrape = await PrometheusScrape.GetAsync(http, pipeline.MetricsUrl(filter));
            total += scrape.Sum("synth_stage_messages_total", ("stage", "filter"));
        }

        return total;
    }

    /// <summary>The lag gauge is measured each second; between them the live instances must hold every partition at lag 0.</summary>
    private static async Task LagFallsToZeroAsync(HttpClient http, DistributedPipeline pipeline, IReadOnlyList<string> instances)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var last = "";
        while (true)
        {
            var lags = new List<(string Topic, string Partition, double Lag)>();
            foreach (var instance in instances)
            {
                var scrape = await PrometheusScrape.GetAsync(http, pipeline.MetricsUrl(instance));
                lags.AddRange(scrape.Series("synth_kafka_consumer_lag").Where(s => StageTopics.Contains(s.Labels["topic"]))
                    .Select(s => (s.Labels["topic"], s.Labels["partition"], s.Value)));
            }

            var topicsHeld = lags.GroupBy(l => l.Topic).ToDictionary(g => g.Key, g => g.Select(l => l.Partition).Distinct().Count());
            last = string.Join(", ", lags.GroupBy(l => l.Topic).Select(g => $"{g.Key}: {g.Count()} partitions, lag {g.Sum(l => l.Lag)}"));
            if (StageTopics.Length == topicsHeld.Count && topicsHeld.Values.All(n => n == 12) && lags.All(l => l.Lag == 0))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The consumer lag did not fall to zero on every partition: {last}");
            await Task.Delay(1000);
        }
    }

    private static string Describe(Dictionary<string, int> counts) =>
        string.Join(", ", counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    // The scripted job, against the simulated model, held to two requests a second.
    private static string Spec(Uri baseUrl) =>
        TestJob.Spec(JobId, Target, SamplesPerRequest).Replace("http://127.0.0.1:9/v1", baseUrl.ToString(), StringComparison.Ordinal)
        + "\n  requestsPerMinute: 60\n  timeoutSeconds: 30\n";
}
