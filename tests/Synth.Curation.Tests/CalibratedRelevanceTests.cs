using Synth.Contracts.Samples;
using Synth.Curation.Filters;

namespace Synth.Curation.Tests;

public sealed class CalibratedRelevanceTests
{
    private const int Dimensions = 8;

    [Fact]
    public void The_fence_is_the_median_less_k_robust_deviations()
    {
        // Median 3, absolute deviations 2, 1, 0, 1, 97: MAD 1; the outlier 100 does not move it.
        Assert.Equal(3 - 3 * RelevanceCalibration.MadToSigma, new RelevanceCalibration(Deviations: 3).Fence([1, 2, 3, 4, 100]), 9);
    }

    [Fact]
    public void Without_a_support_set_it_records_scores_and_rejects_nothing_until_the_warm_up_is_in()
    {
        var filter = new CalibratedRelevanceFilter(new RelevanceCalibration(WarmUp: 20), []);
        var random = new Random(1);
        var results = Enumerable.Range(0, 19).Select(i => filter.Evaluate(Sample(i % 5 == 4 ? OffTask(random) : OnTask(random)))).ToList();

        Assert.All(results, result => Assert.True(result.Passed, result.Reason));
        Assert.Equal("running", filter.Reference);
        Assert.Contains("recorded, not judged until 20 samples", results[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void After_the_warm_up_an_outlier_against_the_jobs_own_samples_is_rejected()
    {
        var filter = new CalibratedRelevanceFilter(new RelevanceCalibration(WarmUp: 30, Window: 100), []);
        var random = new Random(2);
        // A stream with one off-task sample in ten: the robust fence is not moved by them.
        var stream = Enumerable.Range(0, 300).Select(i => (OffTask: i % 10 == 9, Result: filter.Evaluate(Sample(i % 10 == 9 ? OffTask(random) : OnTask(random))))).ToList();
        var results = stream.Skip(31).ToList();

        var onTask = results.Where(r => !r.OffTask).ToList();
        Assert.True(onTask.Count(r => r.Result.Passed) >= 0.95 * onTask.Count, $"{onTask.Count(r => r.Result.Passed)} of {onTask.Count} on-task kept");
        Assert.DoesNotContain(results, r => r.OffTask && r.Result.Passed);
        Assert.Equal(100, filter.ReferenceSize);
    }

    [Fact]
    public void With_a_support_set_the_fence_holds_from_the_first_sample()
    {
        var random = new Random(3);
        var support = Enumerable.Range(0, 40).Select(_ => (ReadOnlyMemory<float>)OnTask(random)).ToList();
        var filter = new CalibratedRelevanceFilter(new RelevanceCalibration(), support);

        var off = filter.Evaluate(Sample(OffTask(random)));
        var on = filter.Evaluate(Sample(OnTask(random)));

        Assert.Equal("support set", filter.Reference);
        Assert.False(off.Passed);
        Assert.StartsWith("relevance 0", off.Reason, StringComparison.Ordinal);
        Assert.Contains("below", off.Reason, StringComparison.Ordinal);
        Assert.Contains("fence of 40 support records", off.Reason, StringComparison.Ordinal);
        Assert.True(on.Passed, on.Reason);
    }

    [Fact]
    public void The_score_is_the_density_of_the_nearest_reference_samples_not_the_cosine_to_their_centroid()
    {
        // Two genres of on-task text (product and restaurant reviews), and off-task text between them: closest of all
        // to the centroid, yet near no real sample. The cosine to the centroid kept it; the neighbours' density does not.
        var random = new Random(5);
        var support = Enumerable.Range(0, 40).Select(i => (ReadOnlyMemory<float>)Around(i % 2 == 0 ? 0 : 2, random)).ToList();
        var filter = new CalibratedRelevanceFilter(new RelevanceCalibration(Neighbours: 5), support);
        var between = Around(0, random);
        between[2] += 1;

        var off = filter.Evaluate(Sample(between));
        var on = filter.Evaluate(Sample(Around(2, random)));

        Assert.False(off.Passed, off.Reason);
        Assert.True(on.Passed, on.Reason);
        Assert.InRange(on.Score, 0.85, 1);
    }

    [Fact]
    public void A_support_set_too_small_to_calibrate_falls_back_to_the_running_reference()
    {
        var random = new Random(4);
        var filter = new CalibratedRelevanceFilter(new RelevanceCalibration(MinSupport: 10), [OnTask(random), OnTask(random)]);

        Assert.Equal("running", filter.Reference);
        Assert.True(filter.Evaluate(Sample(OffTask(random))).Passed);
    }

    [Fact]
    public void With_escalation_a_passing_sample_below_the_escalation_quantile_is_doubtful_and_others_are_not()
    {
        var random = new Random(6);
        var filter = new CalibratedRelevanceFilter(new RelevanceCalibration(WarmUp: 30, Window: 100, EscalateBelow: 0.3), []);
        // Until the running reference has scores to triage by, every sample is doubtful.
        var first = Enumerable.Range(0, RelevanceCalibration.EscalationWarmUp).Select(_ => filter.Evaluate(Sample(OnTask(random)))).ToList();
        var stream = Enumerable.Range(0, 300).Select(i => (OffTask: i % 10 == 9, Result: filter.Evaluate(Sample(i % 10 == 9 ? Halfway(random) : OnTask(random))))).ToList();

        Assert.All(first, result => Assert.True(result.Doubtful));
        var onTask = stream.Where(r => !r.OffTask).ToList();
        var doubtfulShare = (double)onTask.Count(r => r.Result.Doubtful) / onTask.Count;
        Assert.InRange(doubtfulShare, 0.1, 0.4);
        // Off-task text the fence keeps is nearly all doubtful; what it rejects is not asked about.
        var offTask = stream.Where(r => r.OffTask).ToList();
        Assert.True(offTask.Count(r => r.Result.Doubtful) >= 0.8 * offTask.Count(r => r.Result.Passed), $"{offTask.Count(r => r.Result.Doubtful)} of {offTask.Count(r => r.Result.Passed)} kept off-task samples doubtful");
        Assert.True(offTask.Count(r => r.Result.Doubtful || !r.Result.Passed) >= 0.9 * offTask.Count);
        Assert.DoesNotContain(stream, r => r.Result.Doubtful && !r.Result.Passed);
    }

    [Fact]
    public void Without_escalation_nothing_is_doubtful()
    {
        var random = new Random(7);
        var filter = new CalibratedRelevanceFilter(new RelevanceCalibration(WarmUp: 30), []);

        Assert.DoesNotContain(Enumerable.Range(0, 100).Select(i => filter.Evaluate(Sample(i % 10 == 9 ? OffTask(random) : OnTask(random)))), result => result.Doubtful);
    }

    [Fact]
    public void With_a_support_set_the_escalation_fence_is_the_quantile_of_its_own_scores()
    {
        var random = new Random(8);
        var support = Enumerable.Range(0, 40).Select(_ => (ReadOnlyMemory<float>)OnTask(random)).ToList();
        var filter = new CalibratedRelevanceFilter(new RelevanceCalibration(EscalateBelow: 0.5), support);

        var results = Enumerable.Range(0, 200).Select(_ => filter.Evaluate(Sample(OnTask(random)))).ToList();

        Assert.InRange((double)results.Count(r => r.Doubtful) / results.Count, 0.3, 0.7);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData(" Yes.", true)]
    [InlineData("**No**", false)]
    [InlineData("\"no\"", false)]
    [InlineData("It is on-task.", null)]
    [InlineData(null, null)]
    public void The_on_task_answer_is_one_word(string? answer, bool? expected) => Assert.Equal(expected, OnTaskPrompt.Parse(answer));

    [Fact]
    public void A_sample_without_an_embedding_is_not_judged()
    {
        var result = new CalibratedRelevanceFilter(new RelevanceCalibration(), []).Evaluate(new FilterSample("s", TaskType.TextClassification, new SampleContent { Text = "" }));

        Assert.True(result.Passed);
        Assert.Equal("relevance not measured: the sample has no embedding", result.Reason);
    }

    private static FilterSample Sample(float[] embedding) =>
        new("s", TaskType.TextClassification, new SampleContent { Text = "x", Label = "a" }) { Embedding = embedding };

    // On-task text points one way, off-task text another; both with noise, as sentence embeddings spread.
    private static float[] OnTask(Random random) => Around(0, random);

    private static float[] OffTask(Random random) => Around(1, random);

    // Off-task text close enough to pass the outlier fence: only the loose escalation fence catches it.
    private static float[] Halfway(Random random)
    {
        var vector = Around(0, random);
        vector[1] += 0.45f;
        return vector;
    }

    private static float[] Around(int axis, Random random)
    {
        var vector = new float[Dimensions];
        for (var i = 0; i < Dimensions; i++)
        {
            vector[i] = (float)(random.NextDouble() * 0.4 - 0.2) + (i == axis ? 1 : 0);
        }

        return vector;
    }
}
