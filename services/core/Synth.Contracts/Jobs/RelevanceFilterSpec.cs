namespace Synth.Contracts.Jobs;

public sealed class RelevanceFilterSpec
{
    /// <summary>Null (the default): on when the local embedding model loads. True: required. False: off.</summary>
    public bool? Enabled { get; set; }
    public double MinRelevance { get; set; } = 0.15;
    /// <summary>Weight of the task description against the sample's condition values.</summary>
    public double TaskWeight { get; set; } = 0.5;
}
