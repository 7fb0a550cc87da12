using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Synth.Pipeline;

/// <summary>Healthy while the stage's loop is running (not faulted, not stopped).</summary>
public sealed class WorkerHealth : IHealthCheck
{
    private volatile string? _failure;
    private volatile bool _running;

    public void Running() => _running = true;

    public void Faulted(string reason) => _failure = reason;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_failure is { } failure
            ? HealthCheckResult.Unhealthy(failure)
            : _running ? HealthCheckResult.Healthy("running") : HealthCheckResult.Degraded("starting"));
}
