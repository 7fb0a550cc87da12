using Microsoft.Extensions.Hosting;

namespace Synth.ControlPlane.Stages;

/// <summary>
/// Stops the generator's runs when the host stops (<see cref="GenerationRunner.StopAllAsync"/>). Registered after the
/// control plane's bus, so it stops first: a run's last messages still find the bus running.
/// </summary>
public sealed class GenerationRunnerLifetime(GenerationRunner runner) : IHostedService
{
    /// <summary>Runs start on the control plane's commands, not with the host.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => runner.StopAllAsync(cancellationToken);
}
