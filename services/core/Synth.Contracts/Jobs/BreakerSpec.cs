namespace Synth.Contracts.Jobs;

/// <summary>
/// When the generator takes the model endpoint to be down and pauses the job with the reason: no call succeeded for
/// <see cref="MaxSecondsWithoutSuccess"/> while calls kept failing, or at least <see cref="FailureRatio"/> of the calls
/// of the last <see cref="WindowSeconds"/> failed (once there are <see cref="MinimumCalls"/> of them).
/// </summary>
public sealed class BreakerSpec
{
    /// <summary>False: the job never pauses on failures; each failed request is stored and counted as always.</summary>
    public bool Enabled { get; set; } = true;
    public double MaxSecondsWithoutSuccess { get; set; } = 120;
    public double FailureRatio { get; set; } = 0.9;
    public double WindowSeconds { get; set; } = 60;
    public int MinimumCalls { get; set; } = 10;
}
