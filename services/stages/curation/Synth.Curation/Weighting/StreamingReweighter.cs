namespace Synth.Curation.Weighting;

/// <summary>
/// <see cref="Reweighter"/>'s rule for a stream, where the set's means are not known yet: a missing signal counts as
/// that signal's mean so far (a signal nobody has yet is dropped), and the weight is the raw weight divided by the
/// mean raw weight of the last <paramref name="window"/> weighed samples, so the weights of a job average about 1 and
/// a better-signalled sample never weighs less than a worse one weighed at the same time. Label agreement is left to
/// the label refiner. Thread-safe.
/// </summary>
public sealed class StreamingReweighter
{
    private readonly WeightingOptions options;
    private readonly int window;
    private readonly Queue<double> recentRaw = new();
    private readonly Lock gate = new();
    private double rawSum;
    private (double Sum, long Count) judge;
    private (double Sum, long Count) novelty;

    public StreamingReweighter(WeightingOptions options, int window)
    {
        // The same option rules as the batch re-weighter, checked by it.
        _ = new Reweighter(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        this.options = options;
        this.window = window;
    }

    /// <summary>Raw weights of samples weighed before (other instances, before a restart).</summary>
    public void Seed(IEnumerable<double> raws)
    {
        lock (gate)
        {
            foreach (var raw in raws)
            {
                Remember(raw);
            }
        }
    }

    public StreamWeight Weigh(double? judgeConfidence, double? noveltySignal)
    {
        lock (gate)
        {
            Observe(ref judge, judgeConfidence);
            Observe(ref novelty, noveltySignal);
            var signals = new (double Alpha, double? Value, (double Sum, long Count) Seen)[]
            {
                (options.JudgeConfidence, judgeConfidence, judge),
                (options.Novelty, noveltySignal, novelty),
            };
            var usable = signals.Where(signal => signal.Alpha > 0 && signal.Seen.Count > 0).ToList();
            var alphaSum = usable.Sum(signal => signal.Alpha);
            var mean = alphaSum == 0
                ? 1
                : usable.Sum(signal => signal.Alpha * Math.Clamp(signal.Value ?? signal.Seen.Sum / signal.Seen.Count, 0, 1)) / alphaSum;
            var raw = options.Floor + (1 - options.Floor) * mean;
            Remember(raw);
            return new StreamWeight(raw, raw / (rawSum / recentRaw.Count));
        }
    }

    private static void Observe(ref (double Sum, long Count) seen, double? value)
    {
        if (value is { } x)
        {
            seen = (seen.Sum + Math.Clamp(x, 0, 1), seen.Count + 1);
        }
    }

    private void Remember(double raw)
    {
        recentRaw.Enqueue(raw);
        rawSum += raw;
        if (recentRaw.Count > window)
        {
            rawSum -= recentRaw.Dequeue();
        }
    }
}
