using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api;

/// <param name="Limits">The spec's limits (null when a limit is not set).</param>
public sealed record JobBudget(BudgetTotals Spent, BudgetTotals Reserved, JobBudgetLimits Limits);
