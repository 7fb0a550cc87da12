using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Synth.Store;

/// <summary>Healthy while the store answers.</summary>
public sealed class StoreHealthCheck(ISampleStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.GetJobAsync("health-probe", cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("store reachable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"store unreachable: {ex.GetType().Name}");
        }
    }
}
