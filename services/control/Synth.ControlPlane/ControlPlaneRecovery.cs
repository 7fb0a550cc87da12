using MassTransit;
using Microsoft.Extensions.Hosting;
using Synth.ControlPlane.Persistence;
using Synth.Store;

namespace Synth.ControlPlane;

/// <summary>
/// When the control plane starts, every unfinished job re-issues what its state waits on (<see cref="RecoverJob"/>):
/// generation is started again (recorded requests are skipped), a drain is checked, an evaluation asked for. What
/// the stages reported while the control plane was down is therefore never waited for in vain.
/// </summary>
public sealed class ControlPlaneRecovery(ISagaStore sagas, IBus bus, IHostApplicationLifetime lifetime) : BackgroundService
{
    public static readonly string[] UnfinishedStates = ["Submitted", "Generating", "Draining", "Evaluating"];

    /// <summary>Completes once the host has started every hosted service (the bus among them).</summary>
    internal static async Task HostStarted(IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task.ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The bus must be up to publish; it starts with the host.
        await HostStarted(lifetime, stoppingToken).ConfigureAwait(false);

        foreach (var saga in await sagas.ListSagasAsync(UnfinishedStates, stoppingToken).ConfigureAwait(false))
        {
            await bus.Publish(new RecoverJob(saga.Id, saga.JobId), stoppingToken).ConfigureAwait(false);
        }
    }
}
