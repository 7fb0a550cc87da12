using System.Text.Json;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.Context;
using MassTransit.Saga;
using Synth.Store;

namespace Synth.ControlPlane.Persistence;

public static class StoreSagaRepositoryRegistration
{
    /// <summary>Persists the saga in the Synth store (ISagaStore from the container).</summary>
    public static ISagaRegistrationConfigurator<TSaga> StoreRepository<TSaga>(this ISagaRegistrationConfigurator<TSaga> configurator)
        where TSaga : class, ISagaVersion, SagaStateMachineInstance, IStoredSaga
    {
        configurator.Repository(r => r.RegisterSagaRepository<TSaga, ISagaStore, SagaConsumeContextFactory<ISagaStore, TSaga>,
            StoreSagaRepositoryContextFactory<TSaga>>());
        return configurator;
    }
}
