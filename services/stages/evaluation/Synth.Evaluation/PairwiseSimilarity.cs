using System.Numerics.Tensors;

namespace Synth.Evaluation;

/// <summary>
/// Mean pairwise cosine similarity of a set of embeddings — a diversity measure (lower is more diverse). Exact for
/// small sets; for large ones, the mean over pairs drawn uniformly at random, with a Hoeffding bound: cosine lies in
/// [-1, 1], so for m pairs P(|estimate − mean| ≥ ε) ≤ 2·exp(−m·ε²/2), i.e. ε = sqrt(2·ln(2/δ)/m). The bound needs
/// no assumption about the data, which is why it is used rather than a normal approximation.
/// </summary>
public static class PairwiseSimilarity
{
    public static double HoeffdingHalfWidth(long pairs, double confidence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pairs, 1);
        if (confidence is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "Confidence must be in (0, 1).");
        }

        return Math.Sqrt(2 * Math.Log(2 / (1 - confidence)) / pairs);
    }

    /// <summary>Pairs needed for a half-width of at most <paramref name="halfWidth"/>.</summary>
    public static long PairsFor(double halfWidth, double confidence) =>
        (long)Math.Ceiling(2 * Math.Log(2 / (1 - confidence)) / (halfWidth * halfWidth));

    public static SimilarityEstimate Exact(IReadOnlyList<ReadOnlyMemory<float>> embeddings)
    {
        double sum = 0;
        long pairs = 0;
        for (var i = 0; i < embeddings.Count; i++)
        {
            for (var j = i + 1; j < embeddings.Count; j++)
            {
                sum += TensorPrimitives.CosineSimilarity(embeddings[i].Span, embeddings[j].Span);
                pairs++;
            }
        }

        return new SimilarityEstimate(pairs == 0 ? 0 : sum / pairs, 0, 1, pairs, Exact: true);
    }

    /// <summary>
    /// Exact when the set has at most as many pairs as the bound needs; otherwise sampled (pairs of distinct items,
    /// uniformly, with replacement) until the half-width is at most <paramref name="halfWidth"/>.
    /// </summary>
    public static SimilarityEstimate Estimate(IReadOnlyList<ReadOnlyMemory<float>> embeddings, double halfWidth, double confidence, Random random)
    {
        var pairs = SamplePairs(embeddings.Count, halfWidth, confidence, random);
        return pairs is null ? Exact(embeddings) : MeanOver(pairs, i => embeddings[i], confidence);
    }

    /// <summary>
    /// The pairs a sampled estimate over <paramref name="count"/> items uses, or null when the exact mean needs no
    /// more pairs than the bound. Lets a caller fetch and embed only the items the pairs name (a report over millions
    /// of stored samples embeds at most twice the pair count).
    /// </summary>
    public static IReadOnlyList<(int First, int Second)>? SamplePairs(int count, double halfWidth, double confidence, Random random)
    {
        var needed = PairsFor(halfWidth, confidence);
        long all = (long)count * (count - 1) / 2;
        if (all <= needed)
        {
            return null;
        }

        var pairs = new (int, int)[needed];
        for (long k = 0; k < needed; k++)
        {
            var i = random.Next(count);
            var j = random.Next(count - 1);
            j += j >= i ? 1 : 0;
            pairs[k] = (i, j);
        }

        return pairs;
    }

    /// <summary>The sampled mean over <paramref name="pairs"/> from <see cref="SamplePairs"/>, with its Hoeffding half-width.</summary>
    public static SimilarityEstimate MeanOver(IReadOnlyList<(int First, int Second)> pairs, Func<int, ReadOnlyMemory<float>> embedding, double confidence)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(embedding);
        double sum = 0;
        foreach (var (i, j) in pairs)
        {
            sum += TensorPrimitives.CosineSimilarity(embedding(i).Span, embedding(j).Span);
        }

        return new SimilarityEstimate(sum / pairs.Count, HoeffdingHalfWidth(pairs.Count, confidence), confidence, pairs.Count, Exact: false);
    }
}
