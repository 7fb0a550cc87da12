using Synth.Contracts.Jobs;
using Synth.Generation.Accounting;
using Synth.Store;

namespace Synth.Generation.Processor;

/// <summary>A job's budget as one generator instance draws on it: in the store when there is one, else in process.</summary>
internal sealed class PipelineJobBudget(string jobId, BudgetSpec limits, IBudgetStore? store, string instance, TimeSpan callLease, TimeProvider time)
{
    private readonly BudgetLedger _local = new(limits);
    private readonly Dictionary<string, BudgetTotals> _localReservations = new(StringComparer.Ordinal);

    private bool Limited => limits.MaxRequests is not null || limits.MaxTokens is not null || limits.MaxCostUsd is not null;

    /// <summary>Drops what this instance reserved before it last stopped (its calls died with it).</summary>
    public Task ReleaseAbandonedAsync(CancellationToken cancellationToken) =>
        store is not null && Limited ? store.ReleaseInstanceAsync(jobId, instance, cancellationToken) : Task.CompletedTask;

    public async Task<BudgetReservation> TryReserveAsync(string callId, BudgetTotals worstCase, CancellationToken cancellationToken)
    {
        if (!Limited)
        {
            return new BudgetReservation(true, default, default);
        }

        if (store is not null)
        {
            var now = time.GetUtcNow();
            return await store.TryReserveAsync(jobId, callId, instance, worstCase, limits, now, now + callLease, cancellationToken).ConfigureAwait(false);
        }

        var decision = _local.TryReserve(worstCase);
        if (decision.Allowed)
        {
            lock (_localReservations)
            {
                _localReservations[callId] = worstCase;
            }
        }

        return new BudgetReservation(decision.Allowed, _local.Spent, _local.Reserved, decision.ExceededLimit);
    }

    public Task CommitAsync(string callId, BudgetTotals used, CancellationToken cancellationToken)
    {
        if (!Limited)
        {
            return Task.CompletedTask;
        }

        if (store is not null)
        {
            return store.CommitAsync(jobId, callId, used, cancellationToken);
        }

        if (TakeLocal(callId) is { } reserved)
        {
            _local.Commit(reserved, used);
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string callId, CancellationToken cancellationToken)
    {
        if (!Limited)
        {
            return Task.CompletedTask;
        }

        if (store is not null)
        {
            return store.ReleaseAsync(jobId, callId, cancellationToken);
        }

        if (TakeLocal(callId) is { } reserved)
        {
            _local.Release(reserved);
        }

        return Task.CompletedTask;
    }

    private BudgetTotals? TakeLocal(string callId)
    {
        lock (_localReservations)
        {
            return _localReservations.Remove(callId, out var reserved) ? reserved : null;
        }
    }
}
