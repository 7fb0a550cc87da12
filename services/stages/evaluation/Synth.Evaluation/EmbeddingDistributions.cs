using System.Numerics.Tensors;

namespace Synth.Evaluation;

/// <summary>
/// Compares two sets of embeddings: kernel MMD (chosen over the Fréchet distance of fitted Gaussians because it needs
/// no covariance of 384 dimensions from a few hundred samples, and no matrix square root) and nearest-real-neighbour
/// cosine similarity. Quadratic in the set sizes, so callers pass uniform samples of large sets.
/// </summary>
public static class EmbeddingDistributions
{
    public static EmbeddingDistance Compare(IReadOnlyList<ReadOnlyMemory<float>> synthetic, IReadOnlyList<ReadOnlyMemory<float>> real)
    {
        ArgumentNullException.ThrowIfNull(synthetic);
        ArgumentNullException.ThrowIfNull(real);
        if (synthetic.Count == 0 || real.Count == 0)
        {
            throw new ArgumentException("Both sets need at least one embedding to be compared.");
        }

        var bandwidth = MedianDistance([.. synthetic, .. real]);
        return new EmbeddingDistance(GaussianMmdSquared(synthetic, real, bandwidth), bandwidth, MeanNearestCosine(synthetic, real), synthetic.Count, real.Count);
    }

    /// <summary>Biased MMD² = mean k(x, x') + mean k(y, y') − 2·mean k(x, y), every pair including an item with itself.</summary>
    public static double GaussianMmdSquared(IReadOnlyList<ReadOnlyMemory<float>> x, IReadOnlyList<ReadOnlyMemory<float>> y, double bandwidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bandwidth);
        var gamma = 1 / (2 * bandwidth * bandwidth);
        var value = MeanKernel(x, x, gamma) + MeanKernel(y, y, gamma) - (2 * MeanKernel(x, y, gamma));
        // Rounding can leave a tiny negative for identical sets.
        return Math.Max(0, value);
    }

    /// <summary>The median-heuristic bandwidth: the median distance over distinct pairs (1 when all items coincide or there is one).</summary>
    public static double MedianDistance(IReadOnlyList<ReadOnlyMemory<float>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var distances = new List<double>(items.Count * (items.Count - 1) / 2);
        for (var i = 0; i < items.Count; i++)
        {
            for (var j = i + 1; j < items.Count; j++)
            {
                distances.Add(TensorPrimitives.Distance(items[i].Span, items[j].Span));
            }
        }

        if (distances.Count == 0)
        {
            return 1;
        }

        distances.Sort();
        var middle = distances.Count / 2;
        var median = distances.Count % 2 == 1 ? distances[middle] : (distances[middle - 1] + distances[middle]) / 2;
        return median > 0 ? median : 1;
    }

    /// <summary>Mean over <paramref name="queries"/> of each one's highest cosine similarity to any of <paramref name="references"/>.</summary>
    public static double MeanNearestCosine(IReadOnlyList<ReadOnlyMemory<float>> queries, IReadOnlyList<ReadOnlyMemory<float>> references)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(references);
        if (queries.Count == 0 || references.Count == 0)
        {
            throw new ArgumentException("Nearest-neighbour similarity needs at least one query and one reference.");
        }

        double sum = 0;
        foreach (var query in queries)
        {
            var best = double.NegativeInfinity;
            foreach (var reference in references)
            {
                best = Math.Max(best, TensorPrimitives.CosineSimilarity(query.Span, reference.Span));
            }

            sum += best;
        }

        return sum / queries.Count;
    }

    private static double MeanKernel(IReadOnlyList<ReadOnlyMemory<float>> a, IReadOnlyList<ReadOnlyMemory<float>> b, double gamma)
    {
        double sum = 0;
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                var distance = TensorPrimitives.Distance(x.Span, y.Span);
                sum += Math.Exp(-gamma * distance * distance);
            }
        }

        return sum / ((double)a.Count * b.Count);
    }
}
