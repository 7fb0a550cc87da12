using System.Diagnostics;

namespace Synth.ServiceDefaults.Tests;

/// <summary>
/// The worker started as its own process with a missing or bad setting: one line naming the setting, a hint, exit
/// code 1 and no stack trace, unless --verbose asks for it.
/// </summary>
public sealed class WorkerStartupErrorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("synth-worker-start-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<(int ExitCode, string[] Lines)> StartWorkerAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Another folder than the worker's, as in a deployment: no appsettings.json there.
            WorkingDirectory = _folder,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Synth.Worker.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Store__SqlitePath"] = Path.Combine(_folder, "synth.db");
        start.Environment["Health__FilePath"] = Path.Combine(_folder, "health.json");
        using var worker = Process.Start(start)!;
        var output = worker.StandardOutput.ReadToEndAsync();
        var error = worker.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await worker.WaitForExitAsync(timeout.Token);
        var lines = (await output + await error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (worker.ExitCode, lines);
    }

    [Theory]
    [InlineData("Processors:MaxInFlight", "--stage", "filter", "--Kafka:BootstrapServers=127.0.0.1:9", "--Processors:MaxInFlight=0")]
    [InlineData("Processors:MessagesPerProcessingSlot", "--stage", "filter", "--Kafka:BootstrapServers=127.0.0.1:9", "--Processors:MessagesPerProcessingSlot=0")]
    [InlineData("Processors:Filter", "--stage", "filter", "--Kafka:BootstrapServers=127.0.0.1:9", "--Processors:Filter=No.Such.Processor")]
    [InlineData("Kafka:BootstrapServers", "--stage", "filter")]
    [InlineData("Synth:Stage")]
    public async Task A_bad_or_missing_setting_is_one_line_naming_it_and_a_hint(string setting, params string[] arguments)
    {
        var (exitCode, lines) = await StartWorkerAsync(arguments);

        var report = string.Join('\n', lines);
        Assert.True(exitCode == 1, report);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("synth-worker could not start: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(setting, lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"hint: set {setting} in appsettings.json, as the environment variable {setting.Replace(":", "__", StringComparison.Ordinal)}", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("--verbose shows the full error", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbose_shows_the_full_exception()
    {
        var (exitCode, lines) = await StartWorkerAsync("--verbose", "--stage", "filter", "--Kafka:BootstrapServers=127.0.0.1:9", "--Processors:MaxInFlight=0");

        var report = string.Join('\n', lines);
        Assert.True(exitCode == 1, report);
        Assert.Contains("Processors:MaxInFlight: The field MaxInFlight must be between 1 and 4096.", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, line => line.StartsWith("Microsoft.Extensions.Options.OptionsValidationException", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("at ", StringComparison.Ordinal));
    }
}
