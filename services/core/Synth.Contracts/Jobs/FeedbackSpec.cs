namespace Synth.Contracts.Jobs;

/// <summary>How often an evaluator instance publishes a job's coverage and novelty to the generator.</summary>
public sealed class FeedbackSpec
{
    /// <summary>Publish after this many newly evaluated samples of the job.</summary>
    public int EverySamples { get; set; } = 50;
    /// <summary>Publish at least this often while the job's samples arrive, even when fewer than everySamples came.</summary>
    public double EverySeconds { get; set; } = 10;
}
