using MassTransit;
using Synth.Contracts.Jobs;
using Synth.Store;

namespace Synth.ControlPlane;

/// <summary>
/// Writes the saga's state, reason and target onto the job document, appending the transition with its time, and
/// publishes <see cref="JobStateChanged"/>. The job document is what the API and CLI read.
/// </summary>
public sealed class RecordTransition(ISampleStore store, TimeProvider time) : IStateMachineActivity<JobSaga>
{
    public void Probe(ProbeContext context) => context.CreateScope("record-transition");

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);

    public async Task Execute(BehaviorContext<JobSaga> context, IBehavior<JobSaga> next)
    {
        await RecordAsync(context).ConfigureAwait(false);
        await next.Execute(context).ConfigureAwait(false);
    }

    public async Task Execute<T>(BehaviorContext<JobSaga, T> context, IBehavior<JobSaga, T> next)
        where T : class
    {
        await RecordAsync(context).ConfigureAwait(false);
        await next.Execute(context).ConfigureAwait(false);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<JobSaga, TException> context, IBehavior<JobSaga> next)
        where TException : Exception => next.Faulted(context);

    public Task Faulted<T, TException>(BehaviorExceptionContext<JobSaga, T, TException> context, IBehavior<JobSaga, T> next)
        where T : class
        where TException : Exception => next.Faulted(context);

    /// <summary>The job state a saga state name stands for; the machine's initial state is a submission.</summary>
    public static JobState ToJobState(string? stateName) =>
        Enum.TryParse<JobState>(stateName, ignoreCase: true, out var state) ? state : JobState.Submitted;

    private async Task RecordAsync(BehaviorContext<JobSaga> context)
    {
        var saga = context.Saga;
        if (!Enum.TryParse<JobState>(saga.CurrentState, ignoreCase: true, out _))
        {
            // A new saga enters the machine's Initial state before its first event is handled: not a job state.
            return;
        }

        var job = await store.GetJobAsync(saga.JobId, context.CancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Job '{saga.JobId}' has a saga but no job document.");
        var transition = new JobTransition(ToJobState(saga.PreviousState), ToJobState(saga.CurrentState), time.GetUtcNow(), saga.TransitionReason);
        var last = job.Transitions.LastOrDefault();
        // A message handled again (redelivered, or retried after another controller won the saga) makes a transition
        // the document already shows; it is recorded once. A change within one state (a new target while paused) is
        // told apart by its reason.
        if (last is not null && job.State == transition.To && last.To == transition.To
            && (transition.From != transition.To || last.Reason == transition.Reason))
        {
            return;
        }

        job.Transitions.Add(transition);
        job.State = transition.To;
        job.StateReason = saga.TransitionReason;
        job.TargetCount = saga.TargetCount;
        job.UpdatedAt = transition.At;
        await store.UpsertJobAsync(job, context.CancellationToken).ConfigureAwait(false);
        await context.Publish(new JobStateChanged(saga.CorrelationId, saga.JobId, transition.From, transition.To, transition.Reason, transition.At))
            .ConfigureAwait(false);
    }
}
