using System.Text.Json;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.Context;
using MassTransit.Saga;
using Synth.Store;

namespace Synth.ControlPlane.Persistence;

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
