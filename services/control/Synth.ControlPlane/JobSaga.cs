using MassTransit;

namespace Synth.ControlPlane;

/// <summary>One job's control-plane state, persisted after every message (see Persistence/StoreSagaRepository).</summary>
public sealed class JobSaga : SagaStateMachineInstance, ISagaVersion, Persistence.IStoredSaga
{
    public Guid CorrelationId { get; set; }
    public int Version { get; set; }
    public string CurrentState { get; set; } = "";
    /// <summary>The state before the transition being made (read by <see cref="RecordTransition"/>).</summary>
    public string? PreviousState { get; set; }
    /// <summary>Why the job is making the transition being made.</summary>
    public string? TransitionReason { get; set; }
    public string JobId { get; set; } = "";
    public int TargetCount { get; set; }
    public JobBudgetLimits Limits { get; set; } = new(null, null, null);
    public JobSpending Spent { get; set; } = new(0, 0, 0m);
    public bool BudgetWarned { get; set; }
    public string? StopReason { get; set; }
    public long ReviewTasks { get; set; }
}
