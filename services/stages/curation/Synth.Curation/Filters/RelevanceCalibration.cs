namespace Synth.Curation.Filters;

/// <param name="Deviations">k: a score more than k robust standard deviations (1.4826 · MAD) below the reference median is off-task.</param>
/// <param name="WarmUp">Samples the job's running reference needs before it rejects anything.</param>
/// <param name="Window">The running reference: the job's last this-many samples.</param>
/// <param name="MinSupport">Support records needed to calibrate from the support set instead of the running reference.</param>
/// <param name="Neighbours">Against a support set, a sample's score is its mean cosine to this many nearest records.</param>
public sealed record RelevanceCalibration(double Deviations = 3, int WarmUp = 50, int Window = 500, int MinSupport = 10, int Neighbours = 10)
{
    /// <summary>Scale from the median absolute deviation to the standard deviation of a normal distribution.</summary>
    public const double MadToSigma = 1.4826;

    /// <summary>The robust lower fence of <paramref name="scores"/>: median − k · 1.4826 · MAD.</summary>
    public double Fence(IReadOnlyCollection<double> scores)
    {
        if (scores.Count == 0)
        {
            throw new ArgumentException("At least one reference score is needed.", nameof(scores));
        }

        var median = Median([.. scores]);
        var mad = Median([.. scores.Select(score => Math.Abs(score - median))]);
        return median - Deviations * MadToSigma * mad;
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
