using Synth.Contracts.Jobs;

namespace Synth.Store;

/// <summary>
/// A job's budget held in the store, so every generator instance draws on the same limits. Before each model call a
/// generator reserves the call's worst case (prompt tokens plus the most completion tokens it may be given, and their
/// price); the reservation is granted only if spent + reserved + it stays within every limit, atomically across
/// instances, so the job overruns a limit by nothing (the worst case is an upper bound). When the call ends, its
/// reservation is replaced by what it really took.
/// </summary>
public interface IBudgetStore
{
    /// <summary>
    /// Reserves <paramref name="worstCase"/> for call <paramref name="callId"/> (idempotent per call id) unless a limit of
    /// <paramref name="limits"/> would be passed. Reservations whose <paramref name="expiresAt"/> is before
    /// <paramref name="now"/> are dropped first: they belong to an instance that died mid-call.
    /// </summary>
    Task<BudgetReservation> TryReserveAsync(
        string jobId, string callId, string instance, BudgetTotals worstCase, BudgetSpec limits,
        DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>The call ended: its reservation is removed and <paramref name="actual"/> added to what the job spent. A second commit of one call adds nothing.</summary>
    Task CommitAsync(string jobId, string callId, BudgetTotals actual, CancellationToken cancellationToken);

    /// <summary>The call was never sent: its reservation is removed.</summary>
    Task ReleaseAsync(string jobId, string callId, CancellationToken cancellationToken);

    /// <summary>Removes the reservations an instance left when it stopped mid-call (called when it starts again).</summary>
    Task ReleaseInstanceAsync(string jobId, string instance, CancellationToken cancellationToken);

    Task<(BudgetTotals Spent, BudgetTotals Reserved)> GetBudgetAsync(string jobId, CancellationToken cancellationToken);
}
