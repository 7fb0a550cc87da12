namespace Synth.Curation.Weighting;

/// <summary>
/// Re-weighting that keeps every sample: m = Σ α_s·x_s / Σ α_s, the weighted mean of the signals s, where a sample
/// missing a signal gets that signal's mean over the set (neutral) and a signal nobody has is dropped;
/// raw = floor + (1 − floor)·m; weight = raw / mean(raw), so a set's mean weight is 1 and a higher signal never
/// lowers a weight. With no usable signal every weight is 1.
/// </summary>
public sealed class Reweighter
{
    private readonly WeightingOptions options;

    public Reweighter(WeightingOptions options)
    {
        if (options.Floor is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Floor, "The floor must be in (0, 1].");
        }

        if (new[] { options.JudgeConfidence, options.LabelAgreement, options.Novelty }.Any(alpha => alpha < 0 || !double.IsFinite(alpha)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Signal importances must be finite and not negative.");
        }

        this.options = options;
    }

    public IReadOnlyDictionary<string, double> Weigh(IReadOnlyList<WeightSignals> samples)
    {
        var signals = new (double Alpha, Func<WeightSignals, double?> Read)[]
        {
            (options.JudgeConfidence, sample => sample.JudgeConfidence),
            (options.LabelAgreement, sample => sample.LabelAgreement),
            (options.Novelty, sample => sample.Novelty),
        };
        var usable = signals
            .Where(signal => signal.Alpha > 0 && samples.Any(sample => signal.Read(sample) is not null))
            .Select(signal => (signal.Alpha, signal.Read, Mean: samples.Select(signal.Read).OfType<double>().Average()))
            .ToList();
        var alphaSum = usable.Sum(signal => signal.Alpha);

        var raw = samples.Select(sample =>
        {
            if (alphaSum == 0)
            {
                return 1.0;
            }

            var mean = usable.Sum(signal => signal.Alpha * Math.Clamp(signal.Read(sample) ?? signal.Mean, 0, 1)) / alphaSum;
            return options.Floor + (1 - options.Floor) * mean;
        }).ToList();

        var average = raw.Count == 0 ? 1 : raw.Average();
        return samples.Select((sample, index) => (sample.SampleId, Weight: raw[index] / average))
            .ToDictionary(pair => pair.SampleId, pair => pair.Weight, StringComparer.Ordinal);
    }
}
