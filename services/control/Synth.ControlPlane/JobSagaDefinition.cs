using MassTransit;

namespace Synth.ControlPlane;

/// <summary>
/// The job saga's endpoint. One message at a time per controller: a job's events then meet its saga in the order
/// they are taken, and the transition written to the job document is never one a lost race undoes. Between several
/// controllers a lost optimistic-concurrency race is retried on a fresh copy of the saga. What the machine publishes
/// leaves only once the saga is stored (in-memory outbox), so a retried message publishes once.
/// </summary>
public sealed class JobSagaDefinition : SagaDefinition<JobSaga>
{
    public JobSagaDefinition() => ConcurrentMessageLimit = 1;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<JobSaga> sagaConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(20, 50, 100, 200, 500, 1000, 2000));
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
