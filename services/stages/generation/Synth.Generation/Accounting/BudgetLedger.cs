using Synth.Contracts.Jobs;

namespace Synth.Generation.Accounting;

/// <summary>
/// The budget check as pure logic, and an in-process ledger built on it. Across generator instances the same check
/// runs against spent and reserved totals kept in the store.
/// </summary>
public sealed class BudgetLedger
{
    private readonly BudgetSpec _limits;
    private readonly Lock _gate = new();

    public BudgetLedger(BudgetSpec limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
    }

    public BudgetTotals Spent { get; private set; }

    /// <summary>Worst-case amounts of the requests in flight.</summary>
    public BudgetTotals Reserved { get; private set; }

    /// <summary>Would <paramref name="request"/> take spent + reserved past any limit? A limit the spec omits never refuses.</summary>
    public static BudgetDecision Check(BudgetSpec limits, BudgetTotals spent, BudgetTotals reserved, BudgetTotals request)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var after = spent + reserved + request;
        return after.FirstLimitPassed(limits) switch
        {
            BudgetLimit.Requests => new BudgetDecision(false, BudgetLimit.Requests, $"{after.Requests} requests would pass the limit of {limits.MaxRequests} ({spent.Requests} made, {reserved.Requests} in flight)"),
            BudgetLimit.Tokens => new BudgetDecision(false, BudgetLimit.Tokens, $"{after.Tokens} tokens would pass the limit of {limits.MaxTokens} ({spent.Tokens} spent, {reserved.Tokens} reserved)"),
            BudgetLimit.Cost => new BudgetDecision(false, BudgetLimit.Cost, $"${after.CostUsd} would pass the limit of ${limits.MaxCostUsd} (${spent.CostUsd} spent, ${reserved.CostUsd} reserved)"),
            _ => BudgetDecision.Allow,
        };
    }

    /// <summary>Reserves <paramref name="worstCase"/> for a request about to be sent, unless that could pass a limit.</summary>
    public BudgetDecision TryReserve(BudgetTotals worstCase)
    {
        lock (_gate)
        {
            var decision = Check(_limits, Spent, Reserved, worstCase);
            if (decision.Allowed)
            {
                Reserved += worstCase;
            }
            return decision;
        }
    }

    /// <summary>A reserved request finished: its reservation is replaced by what it really took.</summary>
    public void Commit(BudgetTotals reserved, BudgetTotals actual)
    {
        lock (_gate)
        {
            Reserved -= reserved;
            Spent += actual;
        }
    }

    /// <summary>A reserved request was never sent, or cost nothing: the reservation is returned.</summary>
    public void Release(BudgetTotals reserved)
    {
        lock (_gate)
        {
            Reserved -= reserved;
        }
    }
}
