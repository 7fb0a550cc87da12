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

/// <summary>The fields of a saga the store indexes.</summary>
public interface IStoredSaga
{
    string JobId { get; }
    string CurrentState { get; }
}

public sealed class StoreSagaRepositoryContext<TSaga, TMessage>(
    ISagaStore store, ConsumeContext<TMessage> context, ISagaConsumeContextFactory<ISagaStore, TSaga> factory)
    : ConsumeContextScope<TMessage>(context), SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISagaVersion, IStoredSaga
    where TMessage : class
{
    private readonly ConsumeContext<TMessage> _context = context;

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        factory.CreateSagaConsumeContext(store, _context, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        instance.Version = 1;
        return await store.InsertSagaAsync(SagaJson.ToStored(instance), CancellationToken).ConfigureAwait(false)
            ? await factory.CreateSagaConsumeContext(store, _context, instance, SagaConsumeContextMode.Insert).ConfigureAwait(false)
            : null!;
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var stored = await store.GetSagaAsync(correlationId, CancellationToken).ConfigureAwait(false);
        return stored is null
            ? null!
            : await factory.CreateSagaConsumeContext(store, _context, SagaJson.FromStored<TSaga>(stored), SagaConsumeContextMode.Load).ConfigureAwait(false);
    }

    public async Task Save(SagaConsumeContext<TSaga> context)
    {
        context.Saga.Version = 1;
        if (!await store.InsertSagaAsync(SagaJson.ToStored(context.Saga), CancellationToken).ConfigureAwait(false))
        {
            throw new ConcurrencyException("The saga was created by another message first.", typeof(TSaga), context.Saga.CorrelationId);
        }
    }

    public async Task Update(SagaConsumeContext<TSaga> context)
    {
        var expected = context.Saga.Version;
        context.Saga.Version = expected + 1;
        if (!await store.UpdateSagaAsync(SagaJson.ToStored(context.Saga), expected, CancellationToken).ConfigureAwait(false))
        {
            throw new ConcurrencyException($"The saga moved past version {expected} while this message was handled.", typeof(TSaga), context.Saga.CorrelationId);
        }
    }

    public Task Delete(SagaConsumeContext<TSaga> context) => store.DeleteSagaAsync(context.Saga.CorrelationId, CancellationToken);

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        factory.CreateSagaConsumeContext(store, consumeContext, instance, mode);
}

public static class SagaJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static StoredSaga ToStored<TSaga>(TSaga saga)
        where TSaga : class, ISagaVersion, IStoredSaga =>
        new(saga.CorrelationId, saga.JobId, saga.CurrentState, saga.Version, JsonSerializer.Serialize(saga, Options));

    public static TSaga FromStored<TSaga>(StoredSaga stored)
        where TSaga : class
    {
        ArgumentNullException.ThrowIfNull(stored);
        return JsonSerializer.Deserialize<TSaga>(stored.Json, Options)
            ?? throw new InvalidOperationException($"Saga {stored.Id} is stored as null.");
    }
}

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
