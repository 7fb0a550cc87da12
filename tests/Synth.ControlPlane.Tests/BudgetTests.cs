using Synth.Jobs;
using Synth.Contracts.Jobs;
using Synth.Testing;

namespace Synth.ControlPlane.Tests;

/// <summary>The job's budget as the state machine enforces it, with the built-in generator against a scripted model server.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class BudgetTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-control-plane-budget-").FullName;
    private ScriptedChatServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedChatServer.StartAsync();
        _server.Default = ScriptedReply.Answer(
            """{"samples":[{"text":"The battery lasts all week.","label":"positive"},{"text":"The screen cracked on day one.","label":"negative"}]}""",
            promptTokens: 300, completionTokens: 60).WithLatency(TimeSpan.FromMilliseconds(100));
    }

    [Theory]
    [MemberData(nameof(ControlPlaneHost.Transports), MemberType = typeof(ControlPlaneHost))]
    public async Task A_job_that_reaches_its_request_budget_is_warned_then_stopped_and_still_completes(string transport)
    {
        await using var host = await ControlPlaneHost.StartAsync(_directory, transport, settings: new Dictionary<string, string?>
        {
            ["Processors:PluginAssembly"] = RepoPaths.Output("tests/Synth.TestProcessors", "Synth.TestProcessors.dll"),
            ["Processors:Generator"] = "Synth.Generation.Processor.LlmSampleGenerator, Synth.Generation.Processor",
            ["Processors:MaxConcurrentRequests"] = "1",
        });
        var warnings = await host.ObserveAsync<BudgetWarning>("budget");
        var spec = TestJob.Spec("budgeted", target: 40, samplesPerRequest: 2)
            .Replace("http://127.0.0.1:9/v1", _server.BaseUrl.ToString(), StringComparison.Ordinal)
            + "\nbudget:\n  maxRequests: 5\n";
        await host.Jobs.SubmitAsync(spec, "budgeted.yaml", SpecSource.Operator, CancellationToken.None);

        var job = await host.WaitForStateAsync("budgeted", JobState.Completed);

        var draining = job.Transitions.Single(t => t.To == JobState.Draining);
        Assert.Contains("budget", draining.Reason, StringComparison.Ordinal);
        Assert.Contains("requests", draining.Reason, StringComparison.Ordinal);
        var counts = await host.Store.CountAsync("budgeted", CancellationToken.None);
        Assert.Equal(5, counts.RequestsSucceeded);
        Assert.Equal(5, _server.Requests.Count);
        Assert.Equal(10, counts.TotalSamples);
        await host.WaitUntilAsync(() => Task.FromResult(Snapshot(warnings).Count > 0), "the budget warning was published");
        var warning = Assert.Single(Snapshot(warnings));
        Assert.Equal(BudgetLimit.Requests, warning.Limit);
        Assert.InRange(warning.FractionSpent, JobStateMachine.BudgetWarningFraction, 1.0);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static List<T> Snapshot<T>(List<T> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }
}
