namespace Synth.Evaluation;

/// <summary>
/// Faithfulness as a proportion judged on a random sample: the Wilson score interval (sound near 0 and 1 and for
/// small samples, unlike the normal approximation), and the sample size a target interval needs.
/// </summary>
public static class ProportionEstimate
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// z of a two-sided interval at <paramref name="confidence"/>: the standard normal quantile at 1 − (1 − confidence)/2,
    /// by Acklam's rational approximation (relative error below 1.2e-9).
    /// </summary>
    public static double Z(double confidence)
    {
        if (confidence is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "Confidence must be in (0, 1).");
        }

        return NormalQuantile(1 - ((1 - confidence) / 2));
    }

    private static double NormalQuantile(double p)
    {
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        if (p < low || p > 1 - low)
        {
            // Tails: q = sqrt(−2 ln(min(p, 1 − p))), sign by side.
            var q = Math.Sqrt(-2 * Math.Log(Math.Min(p, 1 - p)));
            var tail = (((((((((c[0] * q) + c[1]) * q) + c[2]) * q) + c[3]) * q) + c[4]) * q) + c[5];
            tail /= (((((((d[0] * q) + d[1]) * q) + d[2]) * q) + d[3]) * q) + 1;
            return p < low ? tail : -tail;
        }

        var r = p - 0.5;
        var s = r * r;
        var numerator = (((((((((a[0] * s) + a[1]) * s) + a[2]) * s) + a[3]) * s) + a[4]) * s) + a[5];
        var denominator = (((((((((b[0] * s) + b[1]) * s) + b[2]) * s) + b[3]) * s) + b[4]) * s) + 1;
        return numerator * r / denominator;
    }

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
