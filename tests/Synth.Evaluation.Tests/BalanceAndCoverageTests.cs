namespace Synth.Evaluation.Tests;

public sealed class BalanceAndCoverageTests
{
    [Fact]
    public void Label_balance_counts_unseen_labels_and_normalises_entropy()
    {
        var balance = new LabelBalance(["positive", "negative", "neutral"]);
        foreach (var label in new[] { "positive", "positive", "negative" })
        {
            balance.Add(label);
        }

        var m = balance.Snapshot();

        Assert.Equal(0, m.Counts["neutral"]);
        // p = 2/3, 1/3, 0 over log2(3).
        var entropy = -((2.0 / 3 * Math.Log2(2.0 / 3)) + (1.0 / 3 * Math.Log2(1.0 / 3)));
        Assert.Equal(entropy / Math.Log2(3), m.NormalisedEntropy, 12);
        Assert.Equal(double.PositiveInfinity, m.ImbalanceRatio);

        balance.Add("neutral");
        Assert.Equal(2.0, balance.Snapshot().ImbalanceRatio);
    }

    [Fact]
    public void A_perfectly_balanced_set_has_entropy_one()
    {
        var balance = new LabelBalance(["a", "b"]);
        balance.Add("a");
        balance.Add("b");

        Assert.Equal(1.0, balance.Snapshot().NormalisedEntropy, 12);
        Assert.Equal(1.0, balance.Snapshot().ImbalanceRatio);
    }

    [Fact]
    public void Coverage_and_deviation_from_target_shares()
    {
        var coverage = new ConditionCoverage(new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            ["topic"] = new Dictionary<string, double> { ["battery"] = 3, ["screen"] = 1 },
            ["length"] = new Dictionary<string, double> { ["short"] = 1, ["long"] = 1, ["epic"] = 1 },
        });
        coverage.Add(new Dictionary<string, string> { ["topic"] = "battery", ["length"] = "short" });
        coverage.Add(new Dictionary<string, string> { ["topic"] = "battery", ["length"] = "long" });
        coverage.Add(new Dictionary<string, string> { ["topic"] = "battery", ["length"] = "short" });
        coverage.Add(new Dictionary<string, string> { ["topic"] = "screen", ["length"] = "short", ["style"] = "terse" });

        var byDimension = coverage.Snapshot().ToDictionary(d => d.Dimension);

        // topic: observed 3/4, 1/4 = target 3/4, 1/4.
        Assert.Equal(1.0, byDimension["topic"].Coverage);
        Assert.Equal(0.0, byDimension["topic"].Deviation, 12);
        // length: observed short 3/4, long 1/4, epic 0 vs 1/3 each → TV = ½(5/12 + 1/12 + 4/12) = 5/12.
        Assert.Equal(2.0 / 3, byDimension["length"].Coverage, 12);
        Assert.Equal(5.0 / 12, byDimension["length"].Deviation, 12);
        Assert.False(byDimension.ContainsKey("style"));

        var heat = coverage.Pairs("topic", "length");
        Assert.Equal(2, heat[("battery", "short")]);
        Assert.Equal(1, heat[("screen", "short")]);
        Assert.Equal(2, coverage.Pairs("length", "topic")[("short", "battery")]);
    }

    [Fact]
    public void A_value_the_job_did_not_list_is_counted_and_moves_the_deviation()
    {
        var coverage = new ConditionCoverage(new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            ["topic"] = new Dictionary<string, double> { ["battery"] = 1 },
        });
        coverage.Add(new Dictionary<string, string> { ["topic"] = "battery" });
        coverage.Add(new Dictionary<string, string> { ["topic"] = "surprise" });

        var topic = Assert.Single(coverage.Snapshot());

        Assert.Equal(1, topic.Counts["surprise"]);
        Assert.Equal(0.5, topic.Deviation, 12);
    }
}
