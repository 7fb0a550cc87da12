using Synth.Contracts.Jobs;

namespace Synth.Evaluation.Tests;

/// <summary>Which jobs have a per-label quota, and each label's limit: its asked share of the target, rounded up.</summary>
public sealed class LabelQuotaTests
{
    private static JobSpec Spec(LabelShares shares, int target, params (string Name, double? Share)[] labels)
    {
        var spec = new JobSpec { Name = "q" };
        spec.Task.LabelShares = shares;
        spec.Task.Labels = [.. labels.Select(l => new LabelSpec { Name = l.Name, Description = l.Name, Share = l.Share })];
        spec.Generation.Target = target;
        spec.Curation.LabelRefinement.LlmRelabel.Enabled = true;
        return spec;
    }

    [Fact]
    public void Weights_give_each_label_its_share_of_the_target_rounded_up()
    {
        var skewed = LabelQuota.Of("j", Spec(LabelShares.Weights, 400, ("positive", 0.8), ("negative", 0.2)))!;
        Assert.Equal(320, skewed.LimitOf("positive"));
        Assert.Equal(80, skewed.LimitOf("negative"));

        var thirds = LabelQuota.Of("j", Spec(LabelShares.Weights, 100, ("a", 1), ("b", 1), ("c", 1)))!;
        Assert.All(thirds.Limits.Values, limit => Assert.Equal(34, limit));
    }

    [Fact]
    public void Uniform_shares_split_the_target_evenly_and_an_unknown_label_is_not_capped()
    {
        var quota = LabelQuota.Of("j", Spec(LabelShares.Uniform, 101, ("positive", null), ("negative", null)))!;

        Assert.Equal(51, quota.LimitOf("positive"));
        Assert.Equal(51, quota.LimitOf("negative"));
        Assert.Null(quota.LimitOf("neutral"));
        Assert.Null(quota.LimitOf(null));
        Assert.Equal("label-quota:job:j:negative", quota.CounterOf("negative"));
        Assert.Equal("label quota full: negative has 80 of 80 (task.labelShares)", LabelQuota.FullReason("negative", 80));
    }

    [Fact]
    public void Shares_off_annotation_label_quota_false_or_no_relabelling_have_no_quota()
    {
        Assert.Null(LabelQuota.Of("j", Spec(LabelShares.Off, 100, ("positive", null), ("negative", null))));

        var annotation = Spec(LabelShares.Uniform, 100, ("positive", null), ("negative", null));
        annotation.Generation.Strategy = GenerationStrategy.Annotation;
        Assert.Null(LabelQuota.Of("j", annotation));

        var optedOut = Spec(LabelShares.Uniform, 100, ("positive", null), ("negative", null));
        optedOut.Task.LabelQuota = false;
        Assert.Null(LabelQuota.Of("j", optedOut));

        // By default only labels that LLM relabelling may move are capped; true caps them anyway.
        var unrefined = Spec(LabelShares.Uniform, 100, ("positive", null), ("negative", null));
        unrefined.Curation.LabelRefinement.LlmRelabel.Enabled = false;
        Assert.Null(LabelQuota.Of("j", unrefined));
        unrefined.Task.LabelQuota = true;
        Assert.Equal(50, LabelQuota.Of("j", unrefined)!.LimitOf("positive"));
    }
}
