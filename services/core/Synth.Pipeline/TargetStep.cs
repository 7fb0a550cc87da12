namespace Synth.Pipeline;

public enum TargetStep
{
    /// <summary>The job has its target of curated samples.</summary>
    Reached,
    /// <summary>Samples or requests are in flight and may still reach the target.</summary>
    Wait,
    /// <summary>More requests are needed.</summary>
    Plan,
    /// <summary>The target cannot be reached within the job's cap on generated samples.</summary>
    Stop,
}
