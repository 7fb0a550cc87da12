namespace Synth.Evaluation;

/// <param name="Low">Lower end of the interval.</param>
/// <param name="High">Upper end of the interval.</param>
public sealed record ProportionInterval(double Estimate, double Low, double High, long Successes, long Trials);

/// <summary>
/// Faithfulness as a proportion judged on a random sample: the Wilson score interval (sound near 0 and 1 and for
/// small samples, unlike the normal approximation), and the sample size a target interval needs.
/// </summary>
public static class ProportionEstimate
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    public static ProportionInterval Wilson(long successes, long trials, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, successes);
        if (trials == 0)
        {
            return new ProportionInterval(0, 0, 1, 0, 0);
        }

        var p = (double)successes / trials;
        var z2 = z * z;
        var centre = (p + (z2 / (2 * trials))) / (1 + (z2 / trials));
        var half = z / (1 + (z2 / trials)) * Math.Sqrt((p * (1 - p) / trials) + (z2 / (4.0 * trials * trials)));
        return new ProportionInterval(p, Math.Max(0, centre - half), Math.Min(1, centre + half), successes, trials);
    }

    /// <summary>
    /// Judged samples needed so the 95% interval's half-width is at most <paramref name="halfWidth"/>, assuming the
    /// worst case p = 0.5, corrected for a finite population of <paramref name="population"/> samples.
    /// </summary>
    public static long SampleSize(double halfWidth, long population, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(halfWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(population);
        var infinite = z * z * 0.25 / (halfWidth * halfWidth);
        return (long)Math.Ceiling(infinite / (1 + ((infinite - 1) / population)));
    }
}
