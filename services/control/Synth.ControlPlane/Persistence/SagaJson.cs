using System.Text.Json;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.Context;
using MassTransit.Saga;
using Synth.Store;

namespace Synth.ControlPlane.Persistence;

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
