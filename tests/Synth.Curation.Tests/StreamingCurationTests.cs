using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Curation.Filters;
using Synth.Curation.Ranking;
using Synth.Curation.Weighting;

namespace Synth.Curation.Tests;

/// <summary>The stream-time pieces of the filter stage: rank cut-off, weights, the judge's answer and the chain from a spec.</summary>
public sealed class StreamingCurationTests
{
    [Fact]
    public void The_rank_cutoff_keeps_everything_during_warm_up_then_the_best_fraction_of_the_window()
    {
        var cutoff = new StreamingRankCutoff(keepFraction: 0.25, window: 8, warmUp: 3);

        Assert.All(new[] { 0.1, 0.2, 0.3 }, score => Assert.Equal(new RankCut(true, null), cutoff.Decide(score)));
        // Window now 0.1 0.2 0.3 0.4: keep ⌈0.25·4⌉ = 1, the best.
        Assert.Equal(new RankCut(true, 0.4), cutoff.Decide(0.4));
        // 5 scores: keep ⌈1.25⌉ = 2, so the second best (this one) is the bar; 6 scores: still 2.
        Assert.Equal(new RankCut(true, 0.35), cutoff.Decide(0.35));
        Assert.Equal(new RankCut(false, 0.35), cutoff.Decide(0.2));
    }

    [Fact]
    public void The_rank_cutoff_forgets_scores_older_than_its_window_and_counts_seeded_history()
    {
        var cutoff = new StreamingRankCutoff(keepFraction: 0.5, window: 4, warmUp: 2);
        cutoff.Seed([0.9, 0.9, 0.9, 0.9]);

        Assert.False(cutoff.Decide(0.5).Kept);
        // 0.9s roll out of the 4-wide window as lower scores arrive.
        cutoff.Decide(0.5);
        cutoff.Decide(0.5);
        Assert.Equal(new RankCut(true, 0.5), cutoff.Decide(0.5));
    }

    [Fact]
    public void Stream_weights_rise_with_signals_fill_missing_ones_with_the_mean_and_average_about_one()
    {
        var weighter = new StreamingReweighter(new WeightingOptions(JudgeConfidence: 1, LabelAgreement: 0, Novelty: 1, Floor: 0.2), window: 100);

        var low = weighter.Weigh(0.2, 0.2);
        var high = weighter.Weigh(1.0, 1.0);
        var missingJudge = weighter.Weigh(null, 0.6);

        Assert.Equal(0.2 + 0.8 * 0.2, low.Raw, 6);
        Assert.Equal(1.0, high.Raw, 6);
        Assert.Equal(0.2 + 0.8 * ((0.6 + 0.6) / 2), missingJudge.Raw, 6);
        Assert.True(high.Weight > low.Weight);

        var rng = new Random(7);
        var weights = Enumerable.Range(0, 400).Select(_ => weighter.Weigh(rng.NextDouble(), rng.NextDouble()).Weight).ToList();
        Assert.InRange(weights.Skip(100).Average(), 0.95, 1.05);
    }

    [Fact]
    public void Without_signals_every_stream_weight_is_one()
    {
        var weighter = new StreamingReweighter(new WeightingOptions(), window: 10);

        Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal(1.0, weighter.Weigh(null, null).Weight));
    }

    [Fact]
    public void The_judge_answer_is_read_from_fenced_json_rescaled_from_ten_point_scales_and_refused_when_a_criterion_is_missing()
    {
        string[] criteria = ["faithfulness", "grammar"];

        var (fenced, _) = JudgePrompt.Parse("Sure!\n```json\n{\"Faithfulness\": 0.75, \"grammar\": 1}\n```", criteria, "m");
        var (tenPoint, _) = JudgePrompt.Parse("""{"faithfulness": 8, "grammar": 9}""", criteria, "m");
        var (missing, problem) = JudgePrompt.Parse("""{"faithfulness": 0.5}""", criteria, "m");
        var (_, prose) = JudgePrompt.Parse("I think it is fine.", criteria, "m");

        Assert.Equal(0.75, fenced!.Criteria["faithfulness"]);
        Assert.Equal(0.8, tenPoint!.Criteria["faithfulness"], 6);
        Assert.Null(missing);
        Assert.Equal("the judge's answer has no numeric score for 'grammar'", problem);
        Assert.Equal("the judge's answer holds no JSON object", prose);
        Assert.Contains("- grammar", JudgePrompt.Render(new TaskSpec { DataDescription = "reviews" }, "text", criteria), StringComparison.Ordinal);
    }

    [Fact]
    public void The_chain_follows_the_spec_and_leaves_relevance_out_without_a_task_embedding()
    {
        var task = new TaskSpec { Type = TaskType.TextClassification, DataDescription = "reviews", Purpose = "train", Labels = [new() { Name = "a" }, new() { Name = "b" }] };
        var spec = new FilterSpec { Repetition = new() { Enabled = false }, BlockList = new() { Terms = ["spam"] } };

        var names = FilterChainBuilder.Build(spec, task, null).Filters.Select(f => f.Name);
        var withRelevance = FilterChainBuilder.Build(new FilterSpec(), task, FilterChainBuilder.Relevance(new RelevanceFilterSpec(), ReadOnlyMemory<float>.Empty, [])).Filters.Select(f => f.Name);

        Assert.Equal(["schema", "length", "refusal", "block-list"], names);
        Assert.Equal(["schema", "length", "repetition", "refusal", "relevance"], withRelevance);
        Assert.Equal("train reviews", FilterChainBuilder.TaskDescription(task));
    }
}
