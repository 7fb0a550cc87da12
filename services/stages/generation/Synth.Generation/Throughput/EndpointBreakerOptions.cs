namespace Synth.Generation.Throughput;

/// <summary>When <see cref="EndpointBreaker"/> gives up on a model endpoint.</summary>
public sealed record EndpointBreakerOptions
{
    /// <summary>Trip when calls kept failing and none succeeded for this long.</summary>
    public TimeSpan MaxTimeWithoutSuccess { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Trip when at least this share of the calls in <see cref="Window"/> failed …</summary>
    public double FailureRatio { get; init; } = 0.9;

    /// <summary>… counting the calls that ended this recently …</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>… once the window holds at least this many calls (a few failures alone are the retries' business).</summary>
    public int MinimumCalls { get; init; } = 10;
}
