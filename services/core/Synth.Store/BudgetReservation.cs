using Synth.Contracts.Jobs;

namespace Synth.Store;

/// <summary>Whether a call's worst case was reserved, the job's totals as the store saw them, and the limit that refused it.</summary>
public sealed record BudgetReservation(bool Granted, BudgetTotals Spent, BudgetTotals Reserved, BudgetLimit? ExceededLimit = null);
