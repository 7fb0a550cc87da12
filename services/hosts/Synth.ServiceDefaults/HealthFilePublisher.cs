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
