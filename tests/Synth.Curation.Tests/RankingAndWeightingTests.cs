using Synth.Curation.Ranking;
using Synth.Curation.Weighting;

namespace Synth.Curation.Tests;

public sealed class RankingAndWeightingTests
{
    private static ScoredSample Sample(string id, double relevance, double judge) =>
        new(id, new Dictionary<string, double> { ["relevance"] = relevance, ["judge"] = judge });

    private static readonly RankAndDrop Ranker = new(new Dictionary<string, double> { ["relevance"] = 1, ["judge"] = 3 });

    [Fact]
    public void Combined_score_is_the_weighted_mean_and_a_missing_score_counts_zero()
    {
        Assert.Equal(0.25 * 0.8 + 0.75 * 0.4, Ranker.Combine(Sample("a", 0.8, 0.4).Scores), 12);
        Assert.Equal(0.25 * 0.8, Ranker.Combine(new Dictionary<string, double> { ["relevance"] = 0.8, ["length"] = 1 }), 12);
    }

    [Fact]
    public void Best_fraction_keeps_the_top_and_breaks_ties_by_sample_id()
    {
        ScoredSample[] samples = [Sample("d", 0.5, 0.5), Sample("b", 1, 1), Sample("c", 0.5, 0.5), Sample("a", 0.1, 0.1), Sample("e", 0.5, 0.5)];
        var ranked = Ranker.Rank(samples, new RankSelection.BestFraction(0.5));
        Assert.Equal(["b", "c", "d", "e", "a"], ranked.Select(sample => sample.SampleId));
        Assert.Equal([1, 2, 3, 4, 5], ranked.Select(sample => sample.Rank));
        // ⌈0.5 · 5⌉ = 3: the tie at 0.5 is cut by id, so the same set always keeps the same samples.
        Assert.Equal(["b", "c", "d"], ranked.Where(sample => sample.Kept).Select(sample => sample.SampleId));
        Assert.Equal(ranked, Ranker.Rank(samples.Reverse(), new RankSelection.BestFraction(0.5)));
    }

    [Fact]
    public void Threshold_mode_keeps_every_sample_at_or_above_the_minimum()
    {
        var ranked = Ranker.Rank([Sample("a", 1, 1), Sample("b", 0.6, 0.6), Sample("c", 0.2, 0.2)], new RankSelection.MinimumScore(0.6));
        Assert.Equal(["a", "b"], ranked.Where(sample => sample.Kept).Select(sample => sample.SampleId));
    }

    [Fact]
    public void Ranking_refuses_bad_weights_and_fractions()
    {
        Assert.Throws<ArgumentException>(() => new RankAndDrop(new Dictionary<string, double> { ["judge"] = 0 }));
        Assert.Throws<ArgumentException>(() => new RankAndDrop(new Dictionary<string, double> { ["judge"] = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ranker.Rank([Sample("a", 1, 1)], new RankSelection.BestFraction(1.5)));
    }

    [Fact]
    public void Weights_average_one_and_follow_the_signals()
    {
        WeightSignals[] samples =
        [
            new("low", JudgeConfidence: 0.2, LabelAgreement: 0.5, Novelty: 0.1),
            new("mid", JudgeConfidence: 0.6, LabelAgreement: 0.7, Novelty: 0.5),
            new("high", JudgeConfidence: 1.0, LabelAgreement: 1.0, Novelty: 0.9),
        ];
        var weights = new Reweighter(new WeightingOptions()).Weigh(samples);
        Assert.Equal(1, weights.Values.Average(), 12);
        Assert.True(weights["low"] < weights["mid"] && weights["mid"] < weights["high"]);
        Assert.All(weights.Values, weight => Assert.True(weight > 0));

        // Documented formula: m = mean of the signals; raw = 0.2 + 0.8·m; weight = raw / mean(raw).
        var raw = samples.Select(sample => 0.2 + 0.8 * (sample.JudgeConfidence!.Value + sample.LabelAgreement!.Value + sample.Novelty!.Value) / 3).ToArray();
        Assert.Equal(raw[2] / raw.Average(), weights["high"], 12);
    }

    [Fact]
    public void A_missing_signal_is_neutral_and_an_unused_signal_is_ignored()
    {
        var weights = new Reweighter(new WeightingOptions(JudgeConfidence: 1, LabelAgreement: 0, Novelty: 0)).Weigh(
        [
            new("a", JudgeConfidence: 0.9, LabelAgreement: 0),
            new("b", JudgeConfidence: 0.1, LabelAgreement: 1),
            new("c"),
        ]);
        // c gets the set's mean judge confidence (0.5), so it sits exactly at 1.
        Assert.Equal(1, weights["c"], 12);
        Assert.True(weights["a"] > 1 && weights["b"] < 1);
    }

    [Fact]
    public void Without_any_signal_every_weight_is_one() =>
        Assert.All(new Reweighter(new WeightingOptions()).Weigh([new("a"), new("b")]).Values, weight => Assert.Equal(1, weight));
}
