using MassTransit;

namespace Synth.ControlPlane;

internal static class JobStateMachineBinders
{
    /// <summary>A transition with its reason, which <see cref="RecordTransition"/> writes on entering the new state.</summary>
    public static EventActivityBinder<JobSaga, T> Move<T>(this EventActivityBinder<JobSaga, T> binder, State to, Func<BehaviorContext<JobSaga, T>, string?> reason)
        where T : class =>
        binder
            .Then(c =>
            {
                c.Saga.PreviousState = c.Saga.CurrentState;
                c.Saga.TransitionReason = reason(c);
            })
            .TransitionTo(to);
}
