using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synth.ControlPlane;
using Synth.Store;
using Synth.Store.Sqlite;
using Synth.Worker;

namespace Synth.ServiceDefaults.Tests;

/// <summary>The controller's wiring (the worker's controller role) and the health file it shares with the stages.</summary>
public sealed class ControllerHostingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("synth-controller-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private HostApplicationBuilder Builder(IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Store:SqlitePath"] = Path.Combine(_folder, "synth.db"),
            ["Health:FilePath"] = Path.Combine(_folder, "health.json"),
            ["Health:IntervalSeconds"] = "1",
            ["ControlPlane:JobFilesRoot"] = _folder,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    [Theory]
    [InlineData("InMemory", "true", "ControlPlane:Transport must be RabbitMq in the controller")]
    [InlineData("RabbitMq", "false", "ControlPlane:RunStateMachine must be true in the controller")]
    public async Task A_controller_that_would_not_run_the_state_machine_for_other_processes_refuses_to_start(string transport, string runStateMachine, string expected)
    {
        var builder = Builder(new Dictionary<string, string?>
        {
            ["Synth:Stage"] = "controller",
            ["ControlPlane:Transport"] = transport,
            ["ControlPlane:RunStateMachine"] = runStateMachine,
        });
        builder.AddSynthWorker();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "health.json")));
    }

    [Fact]
    public async Task The_health_file_reports_the_store_and_the_control_plane_bus()
    {
        var builder = Builder(new Dictionary<string, string?> { ["ControlPlane:Transport"] = "InMemory" });
        builder.AddSynthDefaults("synth-controller-test");
        builder.Services.AddSynthStore().AddSqliteStore();
        builder.Services.AddHostedService<StoreInitialization>();
        builder.Services.AddHealthFile();
        builder.AddSynthControlPlane();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var path = Path.Combine(_folder, "health.json");
            JsonElement? report = null;
            for (var attempt = 0; attempt < 100 && report is null; attempt++)
            {
                await Task.Delay(100);
                if (!File.Exists(path))
                {
                    continue;
                }

                using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path));
                if (document.RootElement.GetProperty("status").GetString() == "Healthy")
                {
                    report = document.RootElement.Clone();
                }
            }

            Assert.True(report is not null, $"no Healthy report in {path}: {(File.Exists(path) ? await File.ReadAllTextAsync(path) : "no file")}");
            var checks = report.Value.GetProperty("checks");
            Assert.Equal("Healthy", checks.GetProperty("store").GetProperty("status").GetString());
            // MassTransit's own check: the file turns unhealthy when the bus loses its broker.
            Assert.Equal("Healthy", checks.GetProperty("masstransit-bus").GetProperty("status").GetString());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void An_interval_out_of_range_is_refused_at_start_by_the_shared_health_options()
    {
        var builder = Builder(new Dictionary<string, string?> { ["Health:IntervalSeconds"] = "0" });
        builder.Services.AddHealthFile();
        using var host = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<HealthOptions>>().Value);

        Assert.Contains("IntervalSeconds", error.Message, StringComparison.Ordinal);
    }
}
