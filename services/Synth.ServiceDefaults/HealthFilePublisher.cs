using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Synth.ServiceDefaults;

/// <summary>Writes each health report to <see cref="HealthOptions.FilePath"/> atomically (temp file, then rename).</summary>
public sealed class HealthFilePublisher(IOptions<HealthOptions> options, TimeProvider time) : IHealthCheckPublisher
{
    public async Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        var path = options.Value.FilePath;
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        var document = new
        {
            status = report.Status.ToString(),
            at = time.GetUtcNow(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(document), cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>Healthy while the store answers.</summary>
public sealed class StoreHealthCheck(Store.ISampleStore store) : IHealthCheck
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
