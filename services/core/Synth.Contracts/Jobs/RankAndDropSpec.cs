namespace Synth.Contracts.Jobs;

/// <summary>Rank-and-drop in a stream: keep a sample when its combined score reaches the quantile of recent history.</summary>
public sealed class RankAndDropSpec
{
    /// <summary>The share of passing samples to keep.</summary>
    public double KeepFraction { get; set; } = 0.8;
    /// <summary>How many recent combined scores the cut-off is taken from.</summary>
    public int Window { get; set; } = 200;
    /// <summary>Samples seen before the cut-off applies (until then every passing sample is kept).</summary>
    public int WarmUp { get; set; } = 20;
    /// <summary>Filter name → weight in the combined score; every filter weight 1 when empty.</summary>
    public Dictionary<string, double> Weights { get; set; } = [];
}
