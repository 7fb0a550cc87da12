namespace Synth.Generation.Throughput;

public sealed record AimdOptions
{
    public int MinLimit { get; init; } = 1;
    /// <summary>The ceiling: the spec's <c>generation.concurrency</c>.</summary>
    public int MaxLimit { get; init; } = 4;
    /// <summary>Where the limit starts; the ceiling when null.</summary>
    public int? InitialLimit { get; init; }
    /// <summary>How much the limit grows per limit's worth of healthy completions (roughly once per round trip).</summary>
    public double IncreaseStep { get; init; } = 1;
    /// <summary>What the limit is multiplied by on overload.</summary>
    public double DecreaseFactor { get; init; } = 0.5;
    /// <summary>Recent latency above this multiple of the baseline counts as overload.</summary>
    public double LatencyTolerance { get; init; } = 2.0;
    /// <summary>Weight of each success in the recent latency (an exponential moving average).</summary>
    public double RecentSmoothing { get; init; } = 0.25;
    /// <summary>Weight of each success in the baseline: small, so the baseline follows only lasting change.</summary>
    public double BaselineSmoothing { get; init; } = 0.01;
    /// <summary>Within one of the limit at which overload was last seen, growing by one takes this many healthy windows.</summary>
    public double CeilingPatience { get; init; } = 8;
}
