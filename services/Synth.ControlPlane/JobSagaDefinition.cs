using MassTransit;

namespace Synth.ControlPlane;

/// <summary>
/// The job saga's endpoint: a lost optimistic-concurrency race is retried on a fresh copy of the saga, and what the
/// machine publishes leaves only once the saga is stored (in-memory outbox), so a retried message publishes once.
/// </summary>
public sealed class JobSagaDefinition : SagaDefinition<JobSaga>
{
    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<JobSaga> sagaConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(20, 50, 100, 200, 500, 1000, 2000));
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
