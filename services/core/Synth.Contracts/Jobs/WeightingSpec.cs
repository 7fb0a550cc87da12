namespace Synth.Contracts.Jobs;

/// <summary>Importance of each signal in a kept sample's weight; 0 ignores a signal.</summary>
public sealed class WeightingSpec
{
    public double JudgeConfidence { get; set; } = 1;
    public double Novelty { get; set; } = 1;
    /// <summary>Raw weight of a sample whose signals are all 0, in (0, 1].</summary>
    public double Floor { get; set; } = 0.2;
    /// <summary>How many recent kept samples' raw weights the stream-time normalisation averages.</summary>
    public int Window { get; set; } = 200;
}
