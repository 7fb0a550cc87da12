using Microsoft.Extensions.Hosting;

namespace Synth.Store;

/// <summary>Creates the store's tables, collections and indexes before any other hosted service starts using it.</summary>
public sealed class StoreInitialization(ISampleStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
