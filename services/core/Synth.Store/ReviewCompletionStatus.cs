using Synth.Contracts.Samples;

namespace Synth.Store;

public enum ReviewCompletionStatus
{
    Completed = 1,
    NotFound = 2,
    /// <summary>The sample has no pending review (never queued, or already answered).</summary>
    NotPending = 3,
    /// <summary>The lease token is not the current one: the lease expired and another reviewer took the task.</summary>
    LeaseNotHeld = 4,
}
