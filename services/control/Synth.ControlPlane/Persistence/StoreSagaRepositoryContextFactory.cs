using System.Text.Json;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.Context;
using MassTransit.Saga;
using Synth.Store;

namespace Synth.ControlPlane.Persistence;

/// <summary>
/// Keeps job sagas in the Synth store (SQLite on one machine, MongoDB in a deployment) — MassTransit's own
/// EF Core and MongoDB repositories are not available here. Updates are optimistic on <see cref="ISagaVersion.Version"/>;
/// a lost race throws, and the endpoint's retry reloads the saga and handles the message again.
/// </summary>
public sealed class StoreSagaRepositoryContextFactory<TSaga>(ISagaStore store, ISagaConsumeContextFactory<ISagaStore, TSaga> factory)
    : ISagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISagaVersion, SagaStateMachineInstance, IStoredSaga
{
    public void Probe(ProbeContext context) => context.Add("persistence", "synth-store");

    public Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class =>
        next.Send(new StoreSagaRepositoryContext<TSaga, T>(store, context, factory));

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class =>
        throw new NotSupportedException("Job sagas are found by correlation id only; the store does not query saga contents.");
}
