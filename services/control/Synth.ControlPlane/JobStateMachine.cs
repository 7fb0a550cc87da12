using MassTransit;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

/// <summary>
/// The job lifecycle: submitted → generating → draining → evaluating → completed, with paused, cancelled and failed.
/// The machine decides every transition; entering a state records it on the job document (<see cref="RecordTransition"/>)
/// and publishes <see cref="JobStateChanged"/>. Events a state does not expect (a late progress report, a second
/// finish) are ignored rather than faulted: stages report at least once and out of order.
/// </summary>
public sealed class JobStateMachine : MassTransitStateMachine<JobSaga>
{
    /// <summary>The share of any limit at which the job's budget warning goes out.</summary>
    public const double BudgetWarningFraction = 0.8;

    public JobStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Submit, e => e.CorrelateById(m => m.Message.CorrelationId));
        Event(() => Pause, OnlyExisting);
        Event(() => Resume, OnlyExisting);
        Event(() => Cancel, OnlyExisting);
        Event(() => ChangeTarget, OnlyExisting);
        Event(() => Recover, OnlyExisting);
        Event(() => Started, OnlyExisting);
        Event(() => Progress, OnlyExisting);
        Event(() => Finished, OnlyExisting);
        Event(() => Drained, OnlyExisting);
        Event(() => Evaluated, OnlyExisting);
        Event(() => ReviewQueued, OnlyExisting);
        Event(() => StageFailed, OnlyExisting);

        Initially(
            When(Submit)
                .Then(c =>
                {
                    c.Saga.JobId = c.Message.JobId;
                    c.Saga.TargetCount = c.Message.TargetCount;
                    c.Saga.Limits = c.Message.Limits;
                })
                .Move(Submitted, _ => "submitted")
                .Publish(c => new StartGeneration(c.Saga.CorrelationId, c.Saga.JobId, c.Saga.TargetCount)));

        During(Submitted,
            When(Started).Move(Generating, _ => "generation started"));

        During(Submitted, Generating,
            When(Progress)
                .Then(c => c.Saga.Spent = c.Message.Spent)
                .If(c => !c.Saga.BudgetWarned && MostSpent(c.Saga) is { Fraction: >= BudgetWarningFraction }, warn => warn
                    .Then(c => c.Saga.BudgetWarned = true)
                    .Publish(c => WarningOf(c.Saga)))
                .If(c => MostSpent(c.Saga) is { Fraction: >= 1 }, stop => stop
                    .Then(c => c.Saga.StopReason = $"budget reached ({MostSpent(c.Saga)!.Value.Limit.ToString().ToLowerInvariant()})")
                    .Publish(c => new StopGeneration(c.Saga.CorrelationId, c.Saga.JobId, c.Saga.StopReason!))
                    .Move(Draining, c => c.Saga.StopReason)),
            // Any instance's finish says the whole job's generation is over (however many instances run it); a report
            // from a run with an older target belongs to generation that was since restarted.
            When(Finished)
                .If(c => c.Message.TargetCount == c.Saga.TargetCount, done => done
                    .Then(c => c.Saga.StopReason ??= c.Message.StopReason)
                    .Move(Draining, c => c.Saga.StopReason is { } reason ? $"generation stopped early: {reason}" : "generation done")),
            When(Pause)
                .Publish(c => new StopGeneration(c.Saga.CorrelationId, c.Saga.JobId, "paused"))
                .Move(Paused, c => c.Message.Reason is { Length: > 0 } reason ? $"paused: {reason}" : "paused"),
            When(Recover)
                .Publish(c => new StartGeneration(c.Saga.CorrelationId, c.Saga.JobId, c.Saga.TargetCount)));

        During(Paused,
            When(Resume)
                .Publish(c => new StartGeneration(c.Saga.CorrelationId, c.Saga.JobId, c.Saga.TargetCount))
                .Move(Generating, _ => "resumed"),
            When(ChangeTarget)
                .Then(c =>
                {
                    c.Saga.TargetCount = c.Message.TargetCount;
                    c.Saga.PreviousState = c.Saga.CurrentState;
                    c.Saga.TransitionReason = $"target changed to {c.Message.TargetCount}";
                })
                .Activity(a => a.OfInstanceType<RecordTransition>()));

        During(Submitted, Generating, Draining,
            When(ChangeTarget)
                .Then(c =>
                {
                    c.Saga.TargetCount = c.Message.TargetCount;
                    c.Saga.StopReason = null;
                })
                .Publish(c => new StartGeneration(c.Saga.CorrelationId, c.Saga.JobId, c.Saga.TargetCount))
                .Move(Generating, c => $"target changed to {c.Message.TargetCount}"));

        During(Draining,
            When(Drained).Move(Evaluating, _ => "every stage finished"),
            When(Recover).Publish(c => new CheckDrained(c.Saga.CorrelationId, c.Saga.JobId)));

        During(Evaluating,
            When(Evaluated)
                .IfElse(c => c.Message.Error is null,
                    ok => ok.Move(Completed, _ => "evaluated"),
                    failed => failed.Move(Failed, c => $"evaluation failed: {c.Message.Error}")),
            When(Recover).Publish(c => new EvaluateJob(c.Saga.CorrelationId, c.Saga.JobId)));

        During(Submitted, Generating, Draining, Evaluating,
            CancelJob(),
            When(StageFailed).Move(Failed, c => c.Message.Reason),
            When(ReviewQueued).Then(c => c.Saga.ReviewTasks++));

        During(Paused,
            CancelJob(),
            When(ReviewQueued).Then(c => c.Saga.ReviewTasks++));

        WhenEnter(Draining, x => x.Publish(c => new CheckDrained(c.Saga.CorrelationId, c.Saga.JobId)));
        WhenEnter(Evaluating, x => x.Publish(c => new EvaluateJob(c.Saga.CorrelationId, c.Saga.JobId)));
        WhenEnterAny(x => x.Activity(a => a.OfType<RecordTransition>()));
        OnUnhandledEvent(x => x.Ignore());
    }

    public State Submitted { get; private set; } = null!;
    public State Generating { get; private set; } = null!;
    public State Draining { get; private set; } = null!;
    public State Evaluating { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State Paused { get; private set; } = null!;
    public State Cancelled { get; private set; } = null!;
    public State Failed { get; private set; } = null!;

    public Event<SubmitJob> Submit { get; private set; } = null!;
    public Event<PauseJob> Pause { get; private set; } = null!;
    public Event<ResumeJob> Resume { get; private set; } = null!;
    public Event<CancelJob> Cancel { get; private set; } = null!;
    public Event<ChangeJobTarget> ChangeTarget { get; private set; } = null!;
    public Event<RecoverJob> Recover { get; private set; } = null!;
    public Event<GenerationStarted> Started { get; private set; } = null!;
    public Event<GenerationProgress> Progress { get; private set; } = null!;
    public Event<GenerationFinished> Finished { get; private set; } = null!;
    public Event<JobDrained> Drained { get; private set; } = null!;
    public Event<JobEvaluated> Evaluated { get; private set; } = null!;
    public Event<ReviewTaskQueued> ReviewQueued { get; private set; } = null!;
    public Event<JobFailed> StageFailed { get; private set; } = null!;

    private EventActivityBinder<JobSaga, CancelJob> CancelJob() =>
        When(Cancel)
            .Publish(c => new StopGeneration(c.Saga.CorrelationId, c.Saga.JobId, "cancelled"))
            .Move(Cancelled, c => c.Message.Reason is { Length: > 0 } reason ? $"cancelled: {reason}" : "cancelled");

    /// <summary>The limit with the largest share spent so far, and that share; null when the job has no limits.</summary>
    public static (BudgetLimit Limit, double Fraction)? MostSpent(JobSaga saga)
    {
        ArgumentNullException.ThrowIfNull(saga);
        var shares = new List<(BudgetLimit, double)>();
        if (saga.Limits.MaxRequests is > 0 and var requests)
        {
            shares.Add((BudgetLimit.Requests, (double)saga.Spent.Requests / requests));
        }

        if (saga.Limits.MaxTokens is > 0 and var tokens)
        {
            shares.Add((BudgetLimit.Tokens, (double)saga.Spent.Tokens / tokens));
        }

        if (saga.Limits.MaxCostUsd is > 0 and var cost)
        {
            shares.Add((BudgetLimit.Cost, (double)(saga.Spent.CostUsd / cost)));
        }

        return shares.Count == 0 ? null : shares.MaxBy(s => s.Item2);
    }

    private static BudgetWarning WarningOf(JobSaga saga)
    {
        var (limit, fraction) = MostSpent(saga)!.Value;
        return new BudgetWarning(saga.CorrelationId, saga.JobId, limit, fraction);
    }

    /// <summary>Only a submission creates a job's saga; anything else for an unknown job is dropped.</summary>
    private static void OnlyExisting<T>(IEventCorrelationConfigurator<JobSaga, T> e)
        where T : class, IJobMessage
    {
        e.CorrelateById(m => m.Message.CorrelationId);
        e.OnMissingInstance(x => x.Discard());
    }
}
