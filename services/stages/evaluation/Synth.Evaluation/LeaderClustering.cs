namespace Synth.Evaluation;

/// <summary>
/// Online leader clustering of embeddings: a sample joins the most similar existing leader (the earliest on a tie) when
/// their cosine similarity reaches the threshold, and otherwise starts a cluster with itself as leader. One pass, one
/// comparison per leader per sample and nothing recomputed, so the count can be kept current as samples stream in; it
/// depends only on the order of the samples, so the same samples in the same order always give the same count.
/// </summary>
public sealed class LeaderClustering
{
    private readonly List<ReadOnlyMemory<float>> _leaders = [];
    private readonly double _threshold;

    public LeaderClustering(double threshold)
    {
        if (threshold is <= -1 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "A cosine threshold must be in (-1, 1].");
        }

        _threshold = threshold;
    }

    public long Samples { get; private set; }

    public int Clusters => _leaders.Count;

    /// <returns>The index of the cluster the sample joined (a new index when it started one).</returns>
    public int Add(ReadOnlyMemory<float> embedding)
    {
        Samples++;
        embedding = UnitVector.Of(embedding);
        var best = -1;
        var bestSimilarity = double.NegativeInfinity;
        for (var i = 0; i < _leaders.Count; i++)
        {
            var similarity = UnitVector.Dot(embedding, _leaders[i]);
            if (similarity > bestSimilarity)
            {
                (best, bestSimilarity) = (i, similarity);
            }
        }

        if (best >= 0 && bestSimilarity >= _threshold)
        {
            return best;
        }

        _leaders.Add(embedding);
        return _leaders.Count - 1;
    }

    public EmbeddingClusterCount Snapshot() => new(Clusters, Samples, _threshold);

    /// <summary>The count over a whole ordered set at once — what the incremental count must equal.</summary>
    public static EmbeddingClusterCount CountOf(IEnumerable<ReadOnlyMemory<float>> embeddings, double threshold)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        var clustering = new LeaderClustering(threshold);
        foreach (var embedding in embeddings)
        {
            clustering.Add(embedding);
        }

        return clustering.Snapshot();
    }
}
