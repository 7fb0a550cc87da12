using MassTransit;
using Microsoft.Extensions.Hosting;
using Synth.ControlPlane.Persistence;
using Synth.Store;

namespace Synth.ControlPlane;

/// <summary>
/// A generator instance that starts while jobs are generating joins them from the stored sagas: the
/// state machine's start command went out before this instance was listening.
/// </summary>
public sealed class GeneratorRecovery(ISagaStore sagas, Stages.GenerationRunner runner, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ControlPlaneRecovery.HostStarted(lifetime, stoppingToken).ConfigureAwait(false);

        foreach (var stored in await sagas.ListSagasAsync(["Submitted", "Generating"], stoppingToken).ConfigureAwait(false))
        {
            var saga = SagaJson.FromStored<JobSaga>(stored);
            await runner.StartAsync(saga.JobId, saga.TargetCount, stoppingToken).ConfigureAwait(false);
        }
    }
}
