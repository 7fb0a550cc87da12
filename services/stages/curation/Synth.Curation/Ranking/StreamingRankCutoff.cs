namespace Synth.Curation.Ranking;

/// <summary>
/// Rank-and-drop over a stream, where no final set exists to rank: a sample is kept when its combined score reaches
/// the score of the ⌈keepFraction · n⌉-th best of the last n = <paramref name="window"/> scores, itself included (the
/// same rule as <see cref="RankSelection.BestFraction"/> applied to the recent window). Before
/// <paramref name="warmUp"/> scores have been seen every sample is kept. Thread-safe.
/// </summary>
public sealed class StreamingRankCutoff
{
    private readonly double keepFraction;
    private readonly int window;
    private readonly int warmUp;
    private readonly Queue<double> recent = new();
    private readonly Lock gate = new();
    private long seen;

    public StreamingRankCutoff(double keepFraction, int window, int warmUp)
    {
        if (keepFraction is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(keepFraction), keepFraction, "The keep fraction must be in (0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmUp);
        this.keepFraction = keepFraction;
        this.window = window;
        this.warmUp = warmUp;
    }

    /// <summary>Scores decided before (by other instances, or before a restart): they count as history and warm-up.</summary>
    public void Seed(IEnumerable<double> history)
    {
        lock (gate)
        {
            foreach (var score in history)
            {
                Remember(score);
            }
        }
    }

    public RankCut Decide(double combined)
    {
        lock (gate)
        {
            Remember(combined);
            if (seen <= warmUp)
            {
                return new RankCut(true, null);
            }

            var ordered = recent.OrderDescending().ToArray();
            var keepCount = Math.Max(1, (int)Math.Ceiling(keepFraction * ordered.Length));
            var cutoff = ordered[keepCount - 1];
            return new RankCut(combined >= cutoff, cutoff);
        }
    }

    private void Remember(double score)
    {
        seen++;
        recent.Enqueue(score);
        if (recent.Count > window)
        {
            recent.Dequeue();
        }
    }
}
