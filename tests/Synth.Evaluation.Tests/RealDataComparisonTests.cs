using Synth.Contracts.Samples;

namespace Synth.Evaluation.Tests;

public sealed class RealDataComparisonTests
{
    private static ReadOnlyMemory<float> V(params float[] values) => values;

    [Fact]
    public void Gaussian_mmd_of_two_points_is_two_minus_twice_their_kernel()
    {
        // k(x,x) = k(y,y) = 1, k(x,y) = exp(−1/2) for ‖x − y‖ = 1 and σ = 1: MMD² = 2 − 2·exp(−0.5) ≈ 0.786939.
        var mmd = EmbeddingDistributions.GaussianMmdSquared([V(0, 0)], [V(1, 0)], bandwidth: 1);

        Assert.Equal(2 - (2 * Math.Exp(-0.5)), mmd, 6);
    }

    [Fact]
    public void Gaussian_mmd_of_sets_by_hand()
    {
        // X = {(0,0), (2,0)}, Y = {(1,0)}, σ = 1. Within X: (1 + 1 + 2·e^−2)/4; within Y: 1; across: (e^−½ + e^−½)/2.
        var mmd = EmbeddingDistributions.GaussianMmdSquared([V(0, 0), V(2, 0)], [V(1, 0)], bandwidth: 1);

        var expected = ((2 + (2 * Math.Exp(-2))) / 4) + 1 - (2 * Math.Exp(-0.5));
        Assert.Equal(expected, mmd, 6);
    }

    [Fact]
    public void Identical_sets_are_at_distance_zero_and_their_nearest_real_cosine_is_one()
    {
        ReadOnlyMemory<float>[] set = [V(1, 0), V(0, 1), V(1, 1)];

        var distance = EmbeddingDistributions.Compare(set, set);

        Assert.Equal(0, distance.MmdSquared, 9);
        Assert.Equal(1, distance.MeanNearestRealCosine, 6);
        Assert.Equal((3, 3), (distance.SyntheticSamples, distance.RealSamples));
    }

    [Fact]
    public void The_bandwidth_is_the_median_pooled_distance()
    {
        // Distances 1, 2 and √5: the median is 2.
        Assert.Equal(2, EmbeddingDistributions.MedianDistance([V(0, 0), V(1, 0), V(0, 2)]), 6);
        // Four points: six distances 1, 1, 1, 1, √2, √2 → median of the middle two (1, 1) = 1.
        Assert.Equal(1, EmbeddingDistributions.MedianDistance([V(0, 0), V(1, 0), V(0, 1), V(1, 1)]), 6);
        // Nothing to measure: σ = 1 rather than a zero that would divide.
        Assert.Equal(1, EmbeddingDistributions.MedianDistance([V(3, 3), V(3, 3)]));
    }

    [Fact]
    public void Mean_nearest_real_cosine_by_hand()
    {
        // (1,0) has (1,0) in the real set: 1. (0,1) is nearest to (1,1): 1/√2. Mean (1 + 1/√2) / 2.
        var mean = EmbeddingDistributions.MeanNearestCosine([V(1, 0), V(0, 1)], [V(1, 1), V(1, 0)]);

        Assert.Equal((1 + (1 / Math.Sqrt(2))) / 2, mean, 6);
    }

    [Fact]
    public void A_set_further_from_the_real_one_has_the_larger_distance()
    {
        ReadOnlyMemory<float>[] real = [V(1, 0), V(0.9f, 0.1f), V(0.95f, 0.05f)];

        var near = EmbeddingDistributions.Compare([V(0.97f, 0.03f), V(0.92f, 0.08f)], real);
        var far = EmbeddingDistributions.Compare([V(0, 1), V(0.1f, 0.9f)], real);

        Assert.True(far.MmdSquared > near.MmdSquared);
        Assert.True(far.MeanNearestRealCosine < near.MeanNearestRealCosine);
    }

    [Fact]
    public void Comparing_with_an_empty_set_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => EmbeddingDistributions.Compare([V(1, 0)], []));
    }

    [Fact]
    public void Text_set_metrics_count_words_and_labels_like_a_job()
    {
        SampleContent[] contents =
        [
            new() { Text = "good phone", Label = "positive" },
            new() { Text = "bad phone indeed", Label = "negative" },
            new() { Text = "good", Label = "positive" },
        ];

        var metrics = TextSetMetrics.Of(contents, ["positive", "negative", "neutral"]);

        Assert.Equal(3, metrics.Samples);
        // Words: good phone bad phone indeed good → vocabulary {good, phone, bad, indeed}; 4 distinct of 6 unigrams.
        Assert.Equal(4, metrics.Diversity.VocabularySize);
        Assert.Equal(4.0 / 6, metrics.Diversity.DistinctN[0], 12);
        Assert.Equal(new Dictionary<string, long> { ["positive"] = 2, ["negative"] = 1, ["neutral"] = 0 }, metrics.Labels!.Counts);
        Assert.Null(TextSetMetrics.Of(contents, labels: null).Labels);
    }
}
