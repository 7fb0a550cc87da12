using System.Text;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Llm.Embeddings;
using Synth.Messaging;
using Synth.Pipeline;

namespace Synth.Evaluation.Processor.Tests;

public sealed class EvaluatorProcessorTests
{
    private static async Task<List<FeedbackMessage>> DrainAsync(InProcessFeedbackHub hub)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var received = new List<FeedbackMessage>();
        try
        {
            await foreach (var message in hub.SubscribeAsync(stop.Token))
            {
                received.Add(message);
            }
        }
        catch (OperationCanceledException)
        {
            // Everything published so far has been read.
        }

        return received;
    }

    [Fact]
    public async Task Two_instances_feedback_sums_to_a_full_recomputation_over_the_store()
    {
        await using var fixture = await EvaluatorFixture.CreateAsync(everySamples: 5);
        var samples = await fixture.AddRefinedAsync(40);
        var hub = new InProcessFeedbackHub();
        var published = new List<FeedbackMessage>();
        using var collect = new CancellationTokenSource();
        var collecting = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in hub.SubscribeAsync(collect.Token))
                {
                    lock (published)
                    {
                        published.Add(message);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped by the test.
            }
        });
        using var a = fixture.Processor("a", hub);
        using var b = fixture.Processor("b", hub);
        var workerA = fixture.Worker(a, "a");
        var workerB = fixture.Worker(b, "b");

        for (var i = 0; i < samples.Count; i++)
        {
            await (i % 3 == 0 ? workerB : workerA).HandleAsync(EvaluatorFixture.Message(samples[i]), CancellationToken.None);
        }

        await a.FlushAsync(CancellationToken.None);
        await b.FlushAsync(CancellationToken.None);
        await Task.Delay(100);
        await collect.CancelAsync();
        await collecting;

        var stored = await fixture.StoredAsync();
        Assert.All(stored, s => Assert.Equal(SampleState.Evaluated, s.State));
        Assert.Equal(14, stored.Count(s => s.Decisions[^1].DecidedBy == "b"));
        Assert.All(stored, s => Assert.Equal(WordTokens.Of(s.Content.Text!).Count, s.Decisions[^1].Scores["words"]));

        var totals = new FeedbackTotals();
        lock (published)
        {
            // 26 and 14 samples with a message every 5: 5 + 2 threshold messages, then one flush each for the rest.
            Assert.Equal(9, published.Count);
            Assert.All(published, m => Assert.Equal(EvaluatorFixture.JobId, m.JobId));
            foreach (var message in published)
            {
                totals.Apply(message);
            }
        }

        var full = new JobMetrics(fixture.Job.Spec);
        foreach (var sample in stored)
        {
            full.Restore(sample, null);
        }

        var expected = full.Snapshot();
        Assert.Equal(40, totals.SamplesEvaluated(EvaluatorFixture.JobId));
        var counts = totals.ConditionCounts(EvaluatorFixture.JobId);
        Assert.Equal(expected.ConditionCounts.Keys.Order(), counts.Keys.Order());
        foreach (var (dimension, values) in expected.ConditionCounts)
        {
            Assert.Equal(values.OrderBy(v => v.Key), counts[dimension].OrderBy(v => v.Key));
        }

        // Hand count: topics cycle over request index mod 3 (14, 13, 13); tone is angry for every 4th (10).
        Assert.Equal(new Dictionary<string, long> { ["battery"] = 14, ["screen"] = 13, ["price"] = 13 }, counts["topic"]);
        Assert.Equal(10, counts["tone"]["angry"]);
        // The final labels, which label steering holds to the asked shares.
        Assert.Equal(expected.Labels!.Counts.OrderBy(c => c.Key), totals.LabelCounts(EvaluatorFixture.JobId).OrderBy(c => c.Key));
        Assert.Equal(40, totals.LabelCounts(EvaluatorFixture.JobId).Values.Sum());
    }

    [Fact]
    public async Task One_instance_incremental_metrics_equal_a_full_recomputation_at_the_end()
    {
        await using var fixture = await EvaluatorFixture.CreateAsync(everySamples: 1000);
        var samples = await fixture.AddRefinedAsync(60);
        using var processor = fixture.Processor("solo", new InProcessFeedbackHub());
        var worker = fixture.Worker(processor, "solo");
        // Arrival order differs from id order, as on a partitioned topic.
        foreach (var sample in samples.OrderBy(s => s.Content.Text, StringComparer.Ordinal))
        {
            await worker.HandleAsync(EvaluatorFixture.Message(sample), CancellationToken.None);
        }

        var incremental = processor.Snapshot(EvaluatorFixture.JobId)!;
        var full = new JobMetrics(fixture.Job.Spec);
        foreach (var sample in await fixture.StoredAsync())
        {
            full.Restore(sample, null);
        }

        var recomputed = full.Snapshot();
        Assert.Equal(recomputed.Samples, incremental.Samples);
        Assert.Equal(recomputed.Diversity.VocabularySize, incremental.Diversity.VocabularySize);
        Assert.Equal(recomputed.Diversity.Tokens, incremental.Diversity.Tokens);
        Assert.Equal(recomputed.Diversity.DistinctN, incremental.Diversity.DistinctN);
        // Entropy sums the same terms in another order (arrival order), so it agrees to rounding.
        Assert.Equal(recomputed.Diversity.EntropyN, incremental.Diversity.EntropyN, (x, y) => Math.Abs(x - y) < 1e-12);
        Assert.Equal(recomputed.Diversity.Lengths.Histogram, incremental.Diversity.Lengths.Histogram);
        Assert.Equal(recomputed.Diversity.Lengths.Mean, incremental.Diversity.Lengths.Mean, 9);
        Assert.Equal(recomputed.Labels!.Counts.OrderBy(c => c.Key), incremental.Labels!.Counts.OrderBy(c => c.Key));
        Assert.Equal(
            recomputed.Coverage.Select(c => (c.Dimension, c.Coverage, c.Deviation)),
            incremental.Coverage.Select(c => (c.Dimension, c.Coverage, c.Deviation)));
    }

    [Fact]
    public async Task A_restarted_instance_recounts_what_it_evaluated_before()
    {
        await using var fixture = await EvaluatorFixture.CreateAsync(everySamples: 1000);
        var samples = await fixture.AddRefinedAsync(15);
        var hub = new InProcessFeedbackHub();
        using (var before = fixture.Processor("stable-name", hub))
        {
            var worker = fixture.Worker(before, "stable-name");
            foreach (var sample in samples.Take(10))
            {
                await worker.HandleAsync(EvaluatorFixture.Message(sample), CancellationToken.None);
            }
        }

        using var after = fixture.Processor("stable-name", hub);
        var restarted = fixture.Worker(after, "stable-name");
        // A redelivery of an already evaluated sample is re-emitted by the stage worker, not counted again.
        await restarted.HandleAsync(EvaluatorFixture.Message(samples[0]), CancellationToken.None);
        foreach (var sample in samples.Skip(10))
        {
            await restarted.HandleAsync(EvaluatorFixture.Message(sample), CancellationToken.None);
        }

        await after.FlushAsync(CancellationToken.None);
        var latest = (await DrainAsync(hub)).Single(m => m.Instance == "stable-name");
        Assert.Equal(15, latest.SamplesEvaluated);
        Assert.Equal(15, latest.ConditionCounts["topic"].Values.Sum());
    }

    [Fact]
    public async Task Novelty_from_real_MiniLM_embeddings_is_near_zero_for_a_repeat_and_is_published_per_condition()
    {
        await using var fixture = await EvaluatorFixture.CreateAsync(embeddings: true, everySamples: 1000);
        var samples = await fixture.AddRefinedAsync(6);
        samples[5].Content.Text = samples[0].Content.Text;
        await fixture.NewStore().SaveSampleAsync(samples[5], CancellationToken.None);
        using var embedder = new MiniLmEmbeddingGenerator();
        var hub = new InProcessFeedbackHub();
        using var processor = fixture.Processor("emb", hub, embedder);
        var worker = fixture.Worker(processor, "emb");
        foreach (var sample in samples)
        {
            await worker.HandleAsync(EvaluatorFixture.Message(sample), CancellationToken.None);
        }

        await processor.FlushAsync(CancellationToken.None);
        var stored = (await fixture.StoredAsync()).ToDictionary(s => s.Id);
        var novelty = samples.Select(s => stored[s.Id].Decisions[^1].Scores["novelty"]).ToList();
        Assert.Equal(1, novelty[0]);
        Assert.InRange(novelty[5], -1e-5, 1e-5);
        Assert.All(novelty.Skip(1).Take(4), n => Assert.InRange(n, 0.01, 1.5));
        var message = Assert.Single(await DrainAsync(hub));
        Assert.Equal(novelty.Average(), message.MeanNovelty!.Value, 6);
        Assert.Equal(
            samples.Where(s => s.Provenance.Conditions["topic"] == "battery").Average(s => stored[s.Id].Decisions[^1].Scores["novelty"]),
            message.ConditionNovelty["topic"]["battery"], 6);
    }

    [Fact]
    public async Task Feedback_goes_to_the_feedback_topic_keyed_by_job_and_reads_back()
    {
        var publisher = new CapturingPublisher();
        var feedback = new TopicFeedbackPublisher(publisher);
        var message = new FeedbackMessage
        {
            JobId = "job-1",
            Instance = "eval-1",
            SamplesEvaluated = 3,
            ConditionCounts = new() { ["topic"] = new() { ["a"] = 2, ["b"] = 1 } },
            MeanNovelty = 0.25,
        };

        await feedback.PublishAsync(message, CancellationToken.None);

        var sent = Assert.Single(publisher.Messages);
        Assert.Equal(Topics.Feedback, sent.Topic);
        Assert.Equal("job-1", sent.Key);
        Assert.Contains("\"samplesEvaluated\":3", Encoding.UTF8.GetString(sent.Value), StringComparison.Ordinal);
        var read = TopicFeedbackPublisher.Read(sent.Value);
        Assert.Equal(2, read.ConditionCounts["topic"]["a"]);
        Assert.Equal(0.25, read.MeanNovelty);
    }

    [Fact]
    public void Totals_keep_each_instances_latest_message_and_weight_novelty_by_count()
    {
        var totals = new FeedbackTotals();
        FeedbackMessage Message(string instance, long samples, long a, double noveltyA) => new()
        {
            JobId = "j",
            Instance = instance,
            SamplesEvaluated = samples,
            ConditionCounts = new() { ["topic"] = new() { ["a"] = a } },
            ConditionNovelty = new() { ["topic"] = new() { ["a"] = noveltyA } },
            LabelCounts = new() { ["positive"] = a },
        };

        totals.Apply(Message("x", 4, 4, 0.5));
        totals.Apply(Message("y", 2, 2, 0.2));
        totals.Apply(Message("x", 8, 6, 0.4));
        // A late, older message of an instance does not replace its newer counts.
        totals.Apply(Message("x", 6, 5, 0.9));

        Assert.Equal(10, totals.SamplesEvaluated("j"));
        Assert.Equal(8, totals.ConditionCounts("j")["topic"]["a"]);
        Assert.Equal(8, totals.LabelCounts("j")["positive"]);
        Assert.Equal(((6 * 0.4) + (2 * 0.2)) / 8, totals.ConditionNovelty("j")["topic"]["a"], 12);
        Assert.Equal(0, totals.SamplesEvaluated("other"));
    }

    private sealed class CapturingPublisher : IMessagePublisher
    {
        public List<OutboundMessage> Messages { get; } = [];

        public Task PublishAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            Messages.Add(message);
            return Task.CompletedTask;
        }
    }
}
