using Microsoft.Extensions.Hosting;
using Synth.Pipeline;

namespace Synth.ControlPlane.Stages;

/// <summary>
/// A generator under the control plane has no job loop of its own while idle: it waits for the control plane's
/// commands. Its worker is running once the host (and with it the bus, started before ApplicationStarted) is up;
/// the bus's own health check reports the command loop, and a job's failure is reported to the control plane.
/// Without this the health file would say "starting" until the first job, and the container would be unhealthy.
/// </summary>
public sealed class ControlPlaneGeneratorHealth(WorkerHealth health, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(health.Running);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
