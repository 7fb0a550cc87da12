namespace Synth.Evaluation.Tests;

public sealed class SimilarityAndEstimateTests
{
    [Fact]
    public void Exact_mean_pairwise_cosine_of_hand_made_vectors()
    {
        ReadOnlyMemory<float>[] vectors = [new float[] { 1, 0 }, new float[] { 0, 1 }, new float[] { 1, 1 }];

        var exact = PairwiseSimilarity.Exact(vectors);

        // cos(e1,e2)=0, cos(e1,d)=cos(e2,d)=1/√2.
        Assert.Equal(2 / Math.Sqrt(2) / 3, exact.Mean, 6);
        Assert.Equal(3, exact.Pairs);
        Assert.True(exact.Exact);
    }

    [Fact]
    public void Hoeffding_half_width_and_pairs_needed_agree()
    {
        var pairs = PairwiseSimilarity.PairsFor(0.02, 0.95);

        Assert.True(PairwiseSimilarity.HoeffdingHalfWidth(pairs, 0.95) <= 0.02);
        Assert.True(PairwiseSimilarity.HoeffdingHalfWidth(pairs - 1, 0.95) > 0.02);
        // ε = sqrt(2 ln(40) / m): for m = 10,000, ε ≈ 0.02716.
        Assert.Equal(Math.Sqrt(2 * Math.Log(40) / 10_000), PairwiseSimilarity.HoeffdingHalfWidth(10_000, 0.95), 12);
    }

    [Fact]
    public void The_sampled_estimate_lies_within_its_bound_of_the_exact_mean()
    {
        // 3,000 vectors in 5 clusters: ~4.5 million pairs, far more than the sample.
        var random = new Random(11);
        var centres = Enumerable.Range(0, 5).Select(_ => RandomVector(random, 64)).ToList();
        var vectors = Enumerable.Range(0, 3000)
            .Select(i => (ReadOnlyMemory<float>)centres[i % 5].Select(c => c + (0.6f * (float)((random.NextDouble() * 2) - 1))).ToArray())
            .ToList();
        var exact = PairwiseSimilarity.Exact(vectors);

        for (var seed = 0; seed < 20; seed++)
        {
            var estimate = PairwiseSimilarity.Estimate(vectors, halfWidth: 0.02, confidence: 0.95, new Random(seed));
            Assert.False(estimate.Exact);
            Assert.InRange(estimate.Mean, exact.Mean - estimate.HalfWidth, exact.Mean + estimate.HalfWidth);
        }
    }

    [Fact]
    public void Small_sets_are_computed_exactly()
    {
        var vectors = Enumerable.Range(0, 20).Select(i => (ReadOnlyMemory<float>)RandomVector(new Random(i), 8)).ToList();

        var estimate = PairwiseSimilarity.Estimate(vectors, 0.02, 0.95, new Random(1));

        Assert.True(estimate.Exact);
        Assert.Equal(PairwiseSimilarity.Exact(vectors).Mean, estimate.Mean, 12);
    }

    [Fact]
    public void Novelty_is_one_minus_the_nearest_cosine()
    {
        var novelty = new NoveltyTracker(capacity: 10, new Random(1));

        Assert.Equal(1, novelty.Add(new float[] { 1, 0 }));
        Assert.Equal(0, novelty.Add(new float[] { 2, 0 }), 6);
        Assert.Equal(1, novelty.Add(new float[] { 0, 1 }), 6);
        Assert.Equal(2.0 / 3, novelty.MeanNovelty, 6);
    }

    [Fact]
    public void Novelty_memory_is_bounded_by_reservoir_sampling()
    {
        var novelty = new NoveltyTracker(capacity: 50, new Random(3));
        var random = new Random(4);
        for (var i = 0; i < 2000; i++)
        {
            var value = novelty.Add(RandomVector(random, 16));
            Assert.InRange(value, 0, 2);
        }

        Assert.Equal(2000, novelty.Seen);
    }

    [Fact]
    public void Wilson_interval_matches_hand_computed_values()
    {
        // 45 faithful of 50: p = 0.9; Wilson 95%: centre 0.87146, half-width 0.08506 → [0.78640, 0.95652].
        var interval = ProportionEstimate.Wilson(45, 50);

        Assert.Equal(0.9, interval.Estimate, 12);
        Assert.Equal(0.78640, interval.Low, tolerance: 0.0001);
        Assert.Equal(0.95652, interval.High, tolerance: 0.0001);
        Assert.Equal(new ProportionInterval(0, 0, 1, 0, 0), ProportionEstimate.Wilson(0, 0));
        Assert.Equal(1.0, ProportionEstimate.Wilson(10, 10).High, tolerance: 1e-12);
    }

    [Fact]
    public void Sample_size_for_a_target_interval()
    {
        // ±5% at 95% on an unbounded population: 1.96²·0.25/0.05² = 384.1 → 385.
        Assert.Equal(385, ProportionEstimate.SampleSize(0.05, long.MaxValue / 2));
        // A population of 1,000 needs fewer: 384.1 / (1 + 383.1/1000) ≈ 277.8 → 278.
        Assert.Equal(278, ProportionEstimate.SampleSize(0.05, 1000));
    }

    private static float[] RandomVector(Random random, int dimensions) =>
        [.. Enumerable.Range(0, dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1))];
}
