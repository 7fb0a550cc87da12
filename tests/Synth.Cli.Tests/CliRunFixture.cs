using Microsoft.Data.Sqlite;

namespace Synth.Cli.Tests;

/// <summary>
/// One store made by two small real <c>synth run</c>s (the test processors as stages, so no model is needed to make
/// the data), and a scripted OpenAI-compatible server that job A names as its model endpoint (the judge of
/// <c>synth compare</c>).
/// </summary>
public sealed class CliRunFixture : IAsyncLifetime
{
    public const string JobA = "cli-a";
    public const string JobB = "cli-b";
    public const int Target = 20;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("synth-cli-tests-").FullName;

    public string Store => Path.Combine(Directory, "synth.db");

    public ScriptedChatServer Judge { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Judge = await ScriptedChatServer.StartAsync();
        var specA = Path.Combine(Directory, $"{JobA}.yaml");
        await File.WriteAllTextAsync(specA, TestJob.Spec(JobA, Target, 4).Replace("http://127.0.0.1:9/v1", Judge.BaseUrl.ToString(), StringComparison.Ordinal));
        var specB = TestJob.WriteSpec(Directory, JobB, Target, 4);
        foreach (var spec in new[] { specA, specB })
        {
            var (exit, output) = await RunAsync(["run", spec, "--store", Store]);
            Assert.True(exit == 0, output);
        }
    }

    /// <summary>Runs the synth CLI with the test processors as its stages, in the fixture's folder.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments)
    {
        using var synth = ChildProcess.StartDotnet("synth", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"), arguments, TestJob.ProcessorEnvironment(), Directory);
        var exit = await synth.WaitForExitAsync(TimeSpan.FromMinutes(3));
        return (exit, synth.Output);
    }

    public async Task DisposeAsync()
    {
        await Judge.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A child process still closing the database; a leftover temp folder is harmless.
        }
    }
}
