using Synth.Contracts.Jobs;

namespace Synth.Generation.Accounting;

/// <param name="ExceededLimit">The limit that refused it.</param>
public sealed record BudgetDecision(bool Allowed, BudgetLimit? ExceededLimit = null, string? Reason = null)
{
    public static readonly BudgetDecision Allow = new(true);
}
