namespace Synth.Cli.Tests;

/// <summary><c>synth run</c> with <c>provider: auto</c> says once which model it picked.</summary>
public sealed class AutoProviderTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-cli-auto-").FullName;
    private ScriptedChatServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedChatServer.StartAsync();

    [Fact]
    public async Task A_run_with_an_answering_endpoint_uses_it_and_says_so_once()
    {
        var spec = TestJob.Spec("auto-endpoint", 4, 2)
            .Replace("provider: openai-compatible", "provider: auto", StringComparison.Ordinal)
            .Replace("http://127.0.0.1:9/v1", _server.BaseUrl.ToString(), StringComparison.Ordinal);
        var path = Path.Combine(_directory, "auto-endpoint.yaml");
        await File.WriteAllTextAsync(path, spec);
        var environment = TestJob.ProcessorEnvironment();
        // An empty model cache: picking the local model would fail, so a pass means the endpoint was picked.
        environment["SYNTH_MODELS_DIR"] = Path.Combine(_directory, "models");

        using var synth = ChildProcess.StartDotnet("synth", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"),
            ["run", path, "--store", Path.Combine(_directory, "synth.db")], environment, _directory);
        var exit = await synth.WaitForExitAsync(TimeSpan.FromMinutes(3));

        Assert.True(exit == 0, synth.Output);
        var choice = Assert.Single(synth.Output.Split('\n'), l => l.Contains(" uses ", StringComparison.Ordinal));
        Assert.StartsWith("generation uses scripted-model at the endpoint 127.0.0.1:", choice, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
