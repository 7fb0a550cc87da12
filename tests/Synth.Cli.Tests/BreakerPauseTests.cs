using Synth.Contracts.Jobs;
using Synth.Store.Sqlite;

namespace Synth.Cli.Tests;

/// <summary>
/// On one machine, as under the control plane, a model endpoint that keeps failing pauses the job with the reason:
/// <c>synth run</c> says so in one line with a hint, and rerunning once the endpoint answers finishes the job.
/// </summary>
public sealed class BreakerPauseTests : IAsyncLifetime
{
    private const string JobId = "breaker-cli";
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-cli-breaker-").FullName;
    private ScriptedChatServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedChatServer.StartAsync();

    [Fact]
    public async Task A_failing_endpoint_pauses_the_job_with_the_reason_and_a_rerun_finishes_it()
    {
        _server.Default = ScriptedReply.Status(500, "upstream down");
        var spec = Path.Combine(_directory, $"{JobId}.yaml");
        await File.WriteAllTextAsync(spec, TestJob.Spec(JobId, 12, 2).Replace("http://127.0.0.1:9/v1", _server.BaseUrl.ToString(), StringComparison.Ordinal) + """

              concurrency: 1
              maxRetries: 0
              breaker: { minimumCalls: 3, failureRatio: 1 }
            """);
        var store = Path.Combine(_directory, "synth.db");

        var (exit, output) = await RunAsync(spec, store);

        Assert.True(exit == 1, output);
        Assert.Contains("error: job paused: model endpoint unavailable: 3 of the last 3 model calls failed", output, StringComparison.Ordinal);
        Assert.Contains("hint: check the model endpoint, then rerun the same command to resume", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        var paused = (await SqliteStores.Open(store).Samples.GetJobAsync(JobId, default))!;
        Assert.Equal(JobState.Paused, paused.State);
        Assert.StartsWith("model endpoint unavailable: 3 of the last 3", paused.StateReason, StringComparison.Ordinal);

        _server.Default = ScriptedReply.Answer("""{"samples":[{"text":"The battery outlived my trip.","label":"positive"},{"text":"It stopped charging in a week.","label":"negative"}]}""");
        (exit, output) = await RunAsync(spec, store);

        Assert.True(exit == 0, output);
        var completed = (await SqliteStores.Open(store).Samples.GetJobAsync(JobId, default))!;
        Assert.Equal(JobState.Completed, completed.State);
        var counts = await SqliteStores.Open(store).Samples.CountAsync(JobId, default);
        // The two calls that failed before the breaker tripped stay recorded failures; the one that tripped it was sent again.
        Assert.Equal(2, counts.RequestsFailed);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string spec, string store)
    {
        var environment = TestJob.ProcessorEnvironment();
        environment.Remove("Processors__Generator");
        environment["Processors__MaxConcurrentRequests"] = "1";
        using var synth = ChildProcess.StartDotnet("synth", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"), ["run", spec, "--store", store], environment, _directory);
        var exit = await synth.WaitForExitAsync(TimeSpan.FromMinutes(3));
        return (exit, synth.Output);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
