namespace Synth.Evaluation;

/// <summary>
/// Nearest-neighbour novelty of each new sample: 1 − its highest cosine similarity to the samples kept so far
/// (1 for the first). Keeps at most <c>capacity</c> embeddings by reservoir sampling, so memory and time per sample stay
/// bounded on long runs; the novelty is then measured against a uniform sample of the past.
/// </summary>
public sealed class NoveltyTracker(int capacity, Random random)
{
    private readonly List<ReadOnlyMemory<float>> _kept = [];
    private long _seen;
    private double _noveltySum;

    public long Seen => _seen;

    public double MeanNovelty => _seen == 0 ? 0 : _noveltySum / _seen;

    /// <returns>The sample's novelty in [0, 2].</returns>
    public double Add(ReadOnlyMemory<float> embedding)
    {
        embedding = UnitVector.Of(embedding);
        var best = double.NegativeInfinity;
        foreach (var other in _kept)
        {
            best = Math.Max(best, UnitVector.Dot(embedding, other));
        }

        var novelty = _kept.Count == 0 ? 1 : 1 - best;
        _seen++;
        _noveltySum += novelty;

        // Algorithm R: after n samples, each has probability capacity/n of being kept.
        if (_kept.Count < capacity)
        {
            _kept.Add(embedding);
        }
        else
        {
            var slot = random.NextInt64(_seen);
            if (slot < capacity)
            {
                _kept[(int)slot] = embedding;
            }
        }

        return novelty;
    }
}
