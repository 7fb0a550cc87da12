using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Synth.ServiceDefaults;

namespace Synth.Deployment.Tests;

/// <summary>
/// Runs the containers' health probes (the Dockerfile HEALTHCHECK and compose's healthcheck) with /bin/sh against
/// files written by the services' own HealthFilePublisher: healthy when fresh and Healthy, unhealthy otherwise.
/// </summary>
public sealed class HealthProbeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("synth-health-").FullName;

    public static TheoryData<string> Probes()
    {
        var data = new List<string>();
        var compose = ComposeFile.Load(Repo.ComposePath);
        foreach (var stage in Repo.Stages)
        {
            var dockerfile = Dockerfile.Load(Repo.Full($"{Repo.ProjectFolder(stage)}/Dockerfile"));
            data.Add(dockerfile.HealthcheckCommand(dockerfile.FinalStage)!);
            data.Add(compose.Service(Repo.ServiceName(stage)).HealthcheckTest![1]);
        }

        return new TheoryData<string>(data.Distinct());
    }

    [Theory]
    [MemberData(nameof(Probes))]
    public async Task The_probe_passes_only_for_a_fresh_file_whose_overall_status_is_Healthy(string probe)
    {
        Assert.True(File.Exists("/bin/sh"), "needs /bin/sh");
        var path = Path.Combine(_folder, "health.json");
        var command = probe.Replace("/tmp/health.json", path, StringComparison.Ordinal);

        Assert.Equal(1, await RunAsync(command)); // no file yet

        await WriteAsync(path, HealthStatus.Healthy, HealthStatus.Healthy);
        Assert.Equal(0, await RunAsync(command));

        // Overall Unhealthy although one check is Healthy: the probe must look at the overall status only.
        await WriteAsync(path, HealthStatus.Unhealthy, HealthStatus.Healthy);
        Assert.Equal(1, await RunAsync(command));

        await WriteAsync(path, HealthStatus.Healthy, HealthStatus.Degraded);
        Assert.Equal(1, await RunAsync(command));

        // A service that stopped rewriting the file (hung) goes unhealthy.
        await WriteAsync(path, HealthStatus.Healthy, HealthStatus.Healthy);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-2));
        Assert.Equal(1, await RunAsync(command));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task WriteAsync(string path, HealthStatus store, HealthStatus worker)
    {
        var publisher = new HealthFilePublisher(Options.Create(new HealthOptions { FilePath = path }), TimeProvider.System);
        var report = new HealthReport(
            new Dictionary<string, HealthReportEntry>
            {
                ["store"] = new(store, "store", TimeSpan.Zero, null, null),
                ["worker"] = new(worker, "worker", TimeSpan.Zero, null, null),
            },
            TimeSpan.Zero);
        await publisher.PublishAsync(report, CancellationToken.None);
    }

    private static async Task<int> RunAsync(string command)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
