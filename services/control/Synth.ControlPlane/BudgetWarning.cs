using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

/// <summary>Published once per job when <see cref="FractionSpent"/> of its most-spent <see cref="Limit"/> reaches <see cref="JobStateMachine.BudgetWarningFraction"/>.</summary>
public sealed record BudgetWarning(Guid CorrelationId, string JobId, BudgetLimit Limit, double FractionSpent) : IJobMessage;
