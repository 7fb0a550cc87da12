using Synth.Contracts.Samples;
using Synth.Pipeline;

namespace Synth.Evaluation.Processor.Tests;

/// <summary>The evaluator's per-label quota over the SQLite store: exact across instances, stable under redelivery.</summary>
public sealed class LabelQuotaEvaluatorTests
{
    [Fact]
    public async Task Two_instances_keep_each_label_to_its_quota_and_reject_the_rest_with_a_reason()
    {
        // Target 10, uniform shares: 5 positive and 5 negative. Of 30 samples 10 are negative, 20 positive.
        await using var fixture = await EvaluatorFixture.CreateAsync(everySamples: 1000, target: 10, labelQuota: true);
        var samples = await fixture.AddRefinedAsync(30);
        var hub = new InProcessFeedbackHub();
        using var a = fixture.Processor("a", hub);
        using var b = fixture.Processor("b", hub);
        var (workerA, workerB) = (fixture.Worker(a, "a"), fixture.Worker(b, "b"));

        await Task.WhenAll(samples.Select((sample, i) => Task.Run(() =>
            (i % 2 == 0 ? workerA : workerB).HandleAsync(EvaluatorFixture.Message(sample), CancellationToken.None))));

        var stored = await fixture.StoredAsync();
        var curated = stored.Where(s => s.State == SampleState.Evaluated).ToList();
        Assert.Equal(5, curated.Count(s => s.Content.Label == "negative"));
        Assert.Equal(5, curated.Count(s => s.Content.Label == "positive"));
        var rejected = stored.Where(s => s.State == SampleState.Rejected).ToList();
        Assert.Equal(20, rejected.Count);
        Assert.All(rejected, s =>
        {
            Assert.Equal(Stage.Evaluator, s.Decisions[^1].Stage);
            Assert.Equal($"label quota full: {s.Content.Label} has 5 of 5 (task.labelShares)", s.Decisions[^1].Reason);
        });
        var counted = a.Snapshot(EvaluatorFixture.JobId)!.Labels!.Counts["positive"] + b.Snapshot(EvaluatorFixture.JobId)!.Labels!.Counts["positive"];
        Assert.Equal(5, counted);

        // Every message delivered again (a rebalance): each decision is re-emitted as it was, nothing is dead-lettered.
        foreach (var sample in samples)
        {
            await workerB.HandleAsync(EvaluatorFixture.Message(sample), CancellationToken.None);
        }

        Assert.Equal(stored.Select(s => (s.Id, s.State)), (await fixture.StoredAsync()).Select(s => (s.Id, s.State)));
        Assert.Empty((await fixture.NewStore().QueryFailuresAsync(EvaluatorFixture.JobId, null, 10, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task A_sample_handled_again_keeps_its_slot_on_any_instance()
    {
        await using var fixture = await EvaluatorFixture.CreateAsync(everySamples: 1000, target: 2, labelQuota: true);
        var positives = (await fixture.AddRefinedAsync(6)).Where(s => s.Content.Label == "positive").ToList();
        var hub = new InProcessFeedbackHub();
        using var a = fixture.Processor("a", hub);
        using var b = fixture.Processor("b", hub);

        // A quota of one: the first sample takes it; its redelivery (its store write failed) keeps it, on either instance.
        Assert.Equal(SampleState.Evaluated, (await a.ProcessAsync(positives[0], fixture.Job, CancellationToken.None)).Outcome);
        Assert.Equal(SampleState.Evaluated, (await b.ProcessAsync(positives[0], fixture.Job, CancellationToken.None)).Outcome);
        Assert.Equal(SampleState.Evaluated, (await a.ProcessAsync(positives[0], fixture.Job, CancellationToken.None)).Outcome);
        var second = await b.ProcessAsync(positives[1], fixture.Job, CancellationToken.None);
        Assert.Equal(SampleState.Rejected, second.Outcome);
        Assert.Equal("label quota full: positive has 1 of 1 (task.labelShares)", second.Reason);
    }

    [Fact]
    public async Task A_sample_whose_votes_named_a_full_label_is_that_labels_surplus()
    {
        // Target 4, uniform shares: 2 positive, 2 negative.
        await using var fixture = await EvaluatorFixture.CreateAsync(everySamples: 1000, target: 4, labelQuota: true);
        var samples = await fixture.AddRefinedAsync(9);
        var (positives, negatives) = (samples.Where(s => s.Content.Label == "positive").ToList(), samples.Where(s => s.Content.Label == "negative").ToList());
        using var processor = fixture.Processor("a", new InProcessFeedbackHub());
        async Task<StageVerdict> Evaluate(SampleDocument sample) => await processor.ProcessAsync(sample, fixture.Job, CancellationToken.None);

        // Before positive is full, a negative whose votes leant positive keeps its label's slot.
        Assert.Equal(SampleState.Evaluated, (await Evaluate(Disputed(negatives[0], "positive"))).Outcome);
        Assert.Equal(SampleState.Evaluated, (await Evaluate(positives[0])).Outcome);
        Assert.Equal(SampleState.Evaluated, (await Evaluate(positives[1])).Outcome);

        // Positive is full: the next such negative is positive's surplus, while an undisputed negative takes the last slot.
        var surplus = await Evaluate(Disputed(negatives[1], "positive"));
        Assert.Equal(SampleState.Rejected, surplus.Outcome);
        Assert.Equal("label quota full: the relabel votes' majority names positive (not negative), which has 2 of 2 (task.labelShares)", surplus.Reason);
        Assert.Equal(SampleState.Evaluated, (await Evaluate(negatives[2])).Outcome);
        // The first disputed sample, delivered again, keeps the slot it was granted.
        Assert.Equal(SampleState.Evaluated, (await Evaluate(negatives[0])).Outcome);
    }

    /// <summary>The label refiner's decision when its votes named <paramref name="majority"/> below the agreement bar.</summary>
    private static SampleDocument Disputed(SampleDocument sample, string majority)
    {
        sample.Decisions.Add(new StageDecision
        {
            Stage = Stage.LabelRefiner,
            Outcome = SampleState.Refined,
            Scores = new() { ["llm-agreement"] = 2.0 / 3, [DisputedLabel.Score(majority)] = 2.0 / 3 },
        });
        return sample;
    }
}
