namespace Synth.Generation.Conditions;

/// <summary>
/// Class-conditional generation that holds the curated label shares: each request asks for the label furthest below
/// its share of the samples counted so far — the curated samples of each label (their final label, after any
/// relabelling) and the samples asked for since the evaluator last counted (in flight). Shares of the count so far,
/// not of the target: asks in flight are forgotten at each count, and against the target the label with the larger
/// share would take every request after it. Asking by fixed shares falls short when
/// relabelling moves wrong-label samples to their true class: a model that writes 15 % of its samples under the wrong
/// label turns an asked 0.8 / 0.2 into a curated 0.71 / 0.29. Thread-safe.
/// </summary>
public sealed class LabelSteering
{
    private readonly string[] labels;
    private readonly double[] shares;
    private readonly Lock gate = new();
    private readonly long[] curated;
    private readonly long[] inFlight;

    /// <param name="labels">The labels with their asked shares (any positive weights; normalised here).</param>
    public LabelSteering(IReadOnlyList<(string Label, double Share)> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(labels.Count, 1);
        var total = labels.Sum(label => label.Share);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(total);
        this.labels = [.. labels.Select(label => label.Label)];
        shares = [.. labels.Select(label => label.Share / total)];
        curated = new long[labels.Count];
        inFlight = new long[labels.Count];
    }

    /// <summary>
    /// The label for a request of <paramref name="samples"/> samples: the largest deficit, share × (counted +
    /// <paramref name="samples"/>) − curated − in flight (ties to the first label), now counted as in flight.
    /// </summary>
    public string Next(int samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        lock (gate)
        {
            var total = curated.Sum() + inFlight.Sum() + samples;
            var chosen = 0;
            for (var i = 1; i < labels.Length; i++)
            {
                if (Deficit(i, total) > Deficit(chosen, total))
                {
                    chosen = i;
                }
            }

            inFlight[chosen] += samples;
            return labels[chosen];
        }
    }

    /// <summary>Counts a request's samples as in flight under the label it was given elsewhere (a plan recorded by another instance or before a restart).</summary>
    public void Asked(string label, int samples)
    {
        lock (gate)
        {
            if (IndexOf(label) is { } i)
            {
                inFlight[i] += samples;
            }
        }
    }

    /// <summary>Takes back samples counted by <see cref="Next"/> or <see cref="Asked"/> (a request recorded under another label).</summary>
    public void Withdraw(string label, int samples) => Asked(label, -samples);

    /// <summary>
    /// The curated count of each label (the evaluator's feedback, summed over instances). The asks counted before
    /// are now settled: decided and counted here, or rejected.
    /// </summary>
    public void Curated(IReadOnlyDictionary<string, long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        lock (gate)
        {
            for (var i = 0; i < labels.Length; i++)
            {
                curated[i] = counts.GetValueOrDefault(labels[i]);
                inFlight[i] = 0;
            }
        }
    }

    private double Deficit(int i, long total) => (shares[i] * total) - curated[i] - inFlight[i];

    private int? IndexOf(string label)
    {
        var i = Array.IndexOf(labels, label);
        return i < 0 ? null : i;
    }
}
