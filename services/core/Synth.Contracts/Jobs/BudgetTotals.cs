namespace Synth.Contracts.Jobs;

/// <summary>Requests, tokens and US dollars: what a job has spent, has reserved for calls in flight, or one call may take.</summary>
public readonly record struct BudgetTotals(long Requests, long Tokens, decimal CostUsd)
{
    public static BudgetTotals Zero => default;

    public static BudgetTotals operator +(BudgetTotals a, BudgetTotals b) =>
        new(a.Requests + b.Requests, a.Tokens + b.Tokens, a.CostUsd + b.CostUsd);

    public static BudgetTotals operator -(BudgetTotals a, BudgetTotals b) =>
        new(a.Requests - b.Requests, a.Tokens - b.Tokens, a.CostUsd - b.CostUsd);

    /// <summary>The first limit of <paramref name="limits"/> these totals pass, or null; an omitted limit is never passed.</summary>
    public BudgetLimit? FirstLimitPassed(BudgetSpec limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (limits.MaxRequests is { } requests && Requests > requests)
        {
            return BudgetLimit.Requests;
        }

        if (limits.MaxTokens is { } tokens && Tokens > tokens)
        {
            return BudgetLimit.Tokens;
        }

        return limits.MaxCostUsd is { } cost && CostUsd > cost ? BudgetLimit.Cost : null;
    }
}
