namespace Synth.Curation.Filters;

/// <param name="Deviations">k: a score more than k robust standard deviations (1.4826 · MAD) below the reference median is off-task.</param>
/// <param name="WarmUp">Samples the job's running reference needs before it rejects anything.</param>
/// <param name="Window">The running reference: the job's last this-many samples.</param>
/// <param name="MinSupport">Support records needed to calibrate from the support set instead of the running reference.</param>
/// <param name="Neighbours">Against a support set, a sample's score is its mean cosine to this many nearest records.</param>
/// <param name="EscalateBelow">
/// The loose fence: a sample scoring below this quantile of the reference's scores is doubtful (the stage asks the
/// model); null marks nothing doubtful.
/// </param>
public sealed record RelevanceCalibration(
    double Deviations = 3, int WarmUp = 50, int Window = 500, int MinSupport = 10, int Neighbours = 10, double? EscalateBelow = null)
{
    /// <summary>Running scores the escalation fence needs; before them every sample is doubtful, as the score cannot triage yet.</summary>
    public const int EscalationWarmUp = 10;

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

    /// <summary>The escalation fence: the <see cref="EscalateBelow"/> quantile of <paramref name="scores"/>; null when escalation is off.</summary>
    public double? EscalationFence(IReadOnlyCollection<double> scores)
    {
        if (EscalateBelow is not { } share)
        {
            return null;
        }

        if (scores.Count < EscalationWarmUp)
        {
            return double.PositiveInfinity;
        }

        var sorted = scores.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Floor(share * sorted.Length), 0, sorted.Length - 1)];
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
