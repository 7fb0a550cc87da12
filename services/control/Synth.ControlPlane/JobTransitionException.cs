using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

/// <summary>A command the job's current state does not allow.</summary>
public sealed class JobTransitionException(string jobId, JobState state, string command)
    : InvalidOperationException($"Job '{jobId}' is {state.ToString().ToLowerInvariant()}: it cannot be {command}.")
{
    public string JobId { get; } = jobId;
    public JobState State { get; } = state;
}
