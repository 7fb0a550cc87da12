using Synth.Contracts.Jobs;

namespace Synth.Generation.Accounting;

/// <summary>Requests, tokens and cost: what has been spent, is reserved by requests in flight, or one request may take.</summary>
public readonly record struct BudgetAmount(long Requests, long Tokens, decimal CostUsd)
{
    public static BudgetAmount Zero => default;

    public static BudgetAmount operator +(BudgetAmount a, BudgetAmount b) =>
        new(a.Requests + b.Requests, a.Tokens + b.Tokens, a.CostUsd + b.CostUsd);

    public static BudgetAmount operator -(BudgetAmount a, BudgetAmount b) =>
        new(a.Requests - b.Requests, a.Tokens - b.Tokens, a.CostUsd - b.CostUsd);

    /// <summary>
    /// The most a request may take: its prompt tokens, the completion it may be given at most, and their price
    /// (zero without one). Reserving this worst case is what lets concurrent requests never overrun a limit.
    /// </summary>
    public static BudgetAmount WorstCase(long promptTokens, long maxOutputTokens, ModelPrice? price) =>
        new(1, promptTokens + maxOutputTokens, price is null ? 0 : CostCalculator.Cost(price, promptTokens, maxOutputTokens));
}

/// <param name="ExceededLimit">"requests", "tokens" or "cost" when refused.</param>
public sealed record BudgetDecision(bool Allowed, string? ExceededLimit = null, string? Reason = null)
{
    public static readonly BudgetDecision Allow = new(true);
}

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

    public BudgetAmount Spent { get; private set; }

    /// <summary>Worst-case amounts of the requests in flight.</summary>
    public BudgetAmount Reserved { get; private set; }

    /// <summary>Would <paramref name="request"/> take spent + reserved past any limit? A limit the spec omits never refuses.</summary>
    public static BudgetDecision Check(BudgetSpec limits, BudgetAmount spent, BudgetAmount reserved, BudgetAmount request)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var after = spent + reserved + request;
        if (limits.MaxRequests is { } maxRequests && after.Requests > maxRequests)
        {
            return new BudgetDecision(false, "requests", $"{after.Requests} requests would pass the limit of {maxRequests} ({spent.Requests} made, {reserved.Requests} in flight)");
        }
        if (limits.MaxTokens is { } maxTokens && after.Tokens > maxTokens)
        {
            return new BudgetDecision(false, "tokens", $"{after.Tokens} tokens would pass the limit of {maxTokens} ({spent.Tokens} spent, {reserved.Tokens} reserved)");
        }
        if (limits.MaxCostUsd is { } maxCost && after.CostUsd > maxCost)
        {
            return new BudgetDecision(false, "cost", $"${after.CostUsd} would pass the limit of ${maxCost} (${spent.CostUsd} spent, ${reserved.CostUsd} reserved)");
        }
        return BudgetDecision.Allow;
    }

    /// <summary>Reserves <paramref name="worstCase"/> for a request about to be sent, unless that could pass a limit.</summary>
    public BudgetDecision TryReserve(BudgetAmount worstCase)
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
    public void Commit(BudgetAmount reserved, BudgetAmount actual)
    {
        lock (_gate)
        {
            Reserved -= reserved;
            Spent += actual;
        }
    }

    /// <summary>A reserved request was never sent, or cost nothing: the reservation is returned.</summary>
    public void Release(BudgetAmount reserved)
    {
        lock (_gate)
        {
            Reserved -= reserved;
        }
    }
}
