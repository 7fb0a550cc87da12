using Synth.Store;

namespace Synth.Api;

/// <summary>Creates the store's tables and indexes (idempotent) once options have been validated at start-up.</summary>
internal sealed class StoreInitializer(ISampleStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
