namespace Synth.Contracts.Jobs;

public sealed class DedupSpec
{
    public bool Exact { get; set; } = true;
    public bool Near { get; set; } = true;
    /// <summary>Null (the default): on when the local embedding model loads. True: required. False: off.</summary>
    public bool? Semantic { get; set; }
    public int ShingleSize { get; set; } = 1;
    public int Bands { get; set; } = 20;
    public int Rows { get; set; } = 5;
    public double JaccardThreshold { get; set; } = 0.7;
    public double SemanticThreshold { get; set; } = 0.95;
    public DedupScope Scope { get; set; } = DedupScope.Job;
    /// <summary>The named dataset-wide index (scope: dataset); it outlives the job.</summary>
    public string? Dataset { get; set; }
}
