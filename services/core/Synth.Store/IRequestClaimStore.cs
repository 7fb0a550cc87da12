namespace Synth.Store;

/// <summary>
/// How several generator instances share a job's requests without a fixed shard: the job's plan (how many request
/// indexes it has, 0 to planned - 1) and leases on blocks of them. An instance claims the next unclaimed block below
/// the plan, or a block whose lease expired (its instance died); it renews its leases while it works, completes a
/// block once every index of it is recorded, and releases one it leaves unfinished. Every change is atomic across
/// instances, so two instances never hold one block and only one extends the plan per decision.
/// </summary>
public interface IRequestClaimStore
{
    /// <summary>The job's planned request count; 0 before anything was planned.</summary>
    Task<long> GetPlanAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Raises the plan to at least <paramref name="requests"/> (a start, a resume, a higher target).</summary>
    /// <returns>The plan afterwards.</returns>
    Task<long> PlanAtLeastAsync(string jobId, long requests, CancellationToken cancellationToken);

    /// <summary>
    /// Compare-and-set: raises the plan from <paramref name="from"/> to <paramref name="to"/> only if it is still
    /// <paramref name="from"/>, so of several instances deciding on the same counts only one extends it.
    /// </summary>
    Task<bool> TryExtendPlanAsync(string jobId, long from, long to, CancellationToken cancellationToken);

    /// <summary>
    /// Leases to <paramref name="instance"/> until <paramref name="expiresAt"/> the block with the lowest start whose
    /// lease expired by <paramref name="now"/>, else the next at most <paramref name="blockSize"/> unclaimed indexes
    /// below the plan; null when there is neither.
    /// </summary>
    Task<RequestClaim?> TryClaimAsync(
        string jobId, string instance, int blockSize, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Extends the lease; false when it was lost (it expired and another instance took the block).</summary>
    Task<bool> RenewAsync(RequestClaim claim, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Every index of the block is recorded: the lease is removed and the block is never claimed again.</summary>
    Task CompleteAsync(RequestClaim claim, CancellationToken cancellationToken);

    /// <summary>The block is left unfinished (a stop, a budget refusal): its lease ends now, so any instance may claim it.</summary>
    Task ReleaseAsync(RequestClaim claim, CancellationToken cancellationToken);

    /// <summary>Ends every lease <paramref name="instance"/> holds on the job (called when it starts again after a crash).</summary>
    Task ReleaseInstanceAsync(string jobId, string instance, CancellationToken cancellationToken);

    /// <summary>Ends every lease on the job (one machine: the only generator starting again, whatever it was called before).</summary>
    Task ReleaseAllAsync(string jobId, CancellationToken cancellationToken);
}
