namespace Synth.Curation.Weighting;

/// <summary>
/// A kept sample's signals, each in [0, 1] or null when not measured: the judge's confidence, label agreement (vote
/// share or the student model's probability of the current label) and novelty (1 − the highest similarity to an
/// earlier sample).
/// </summary>
public sealed record WeightSignals(string SampleId, double? JudgeConfidence = null, double? LabelAgreement = null, double? Novelty = null);

/// <param name="JudgeConfidence">Importance α of the judge's confidence; 0 ignores it.</param>
/// <param name="Floor">Raw weight of a sample whose signals are all 0, in (0, 1]: every kept sample keeps some weight.</param>
public sealed record WeightingOptions(double JudgeConfidence = 1, double LabelAgreement = 1, double Novelty = 1, double Floor = 0.2);

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
