namespace Synth.Contracts.Jobs;

/// <summary>The job budget's limits (<see cref="BudgetSpec"/>); written requests, tokens, cost.</summary>
public enum BudgetLimit
{
    /// <summary><see cref="BudgetSpec.MaxRequests"/>.</summary>
    Requests = 1,
    /// <summary><see cref="BudgetSpec.MaxTokens"/>.</summary>
    Tokens = 2,
    /// <summary><see cref="BudgetSpec.MaxCostUsd"/>.</summary>
    Cost = 3,
}
