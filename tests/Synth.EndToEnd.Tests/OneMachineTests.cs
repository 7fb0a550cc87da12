using Synth.Contracts.Samples;
using Synth.Store;
using Synth.Store.Sqlite;
using Synth.Testing;
using Xunit.Abstractions;

namespace Synth.EndToEnd.Tests;

/// <summary>The synth CLI's one-machine path, as a user runs it: a separate process, killed and rerun.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class OneMachineTests(ITestOutputHelper output) : IDisposable
{
    private const int Target = 1000;
    private const int SamplesPerRequest = 5;

    private readonly string _directory = Directory.CreateTempSubdirectory("synth-cli-").FullName;

    [Fact]
    public async Task Run_finishes_every_sample_and_prints_a_summary()
    {
        const string jobId = "cli-complete";
        var spec = TestJob.WriteSpec(_directory, jobId, Target, SamplesPerRequest);
        using var run = StartRun(spec, new Dictionary<string, string?>());
        Assert.True(await run.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, run.Tail());
        output.WriteLine(run.Tail(20));

        Assert.Contains("evaluated", run.Output, StringComparison.Ordinal);
        var store = await OpenStoreAsync();
        await PipelineAssertions.EveryPlannedSampleFinishedExactlyOnceAsync(store, jobId, Target, SamplesPerRequest);
    }

    [Fact]
    public async Task Killed_run_resumes_on_rerun_without_repeating_a_stored_request()
    {
        const string jobId = "cli-resume";
        var spec = TestJob.WriteSpec(_directory, jobId, Target, SamplesPerRequest);
        var callLog = Path.Combine(_directory, "calls.log");
        var environment = new Dictionary<string, string?>
        {
            ["SYNTH_TEST_CALL_LOG"] = callLog,
            // 8 requests of 5 at once, 400 ms each: about 100 samples/s, so the kill lands mid-job on a loaded machine too.
            ["SYNTH_TEST_GENERATOR_DELAY_MS"] = "400",
            ["SYNTH_TEST_FILTER_DELAY_MS"] = "2",
        };
        var store = await OpenStoreAsync();

        using (var first = StartRun(spec, environment))
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while ((await store.CountAsync(jobId, CancellationToken.None))[SampleState.Evaluated] < 100)
            {
                Assert.False(first.HasExited, first.Tail());
                Assert.True(DateTime.UtcNow < deadline, first.Tail());
                await Task.Delay(50);
            }

            first.Kill();
        }

        var recordedAtKill = await store.GetRecordedRequestIndexesAsync(jobId, CancellationToken.None);
        var countsAtKill = await store.CountAsync(jobId, CancellationToken.None);
        output.WriteLine($"killed with {recordedAtKill.Count} requests recorded; {DistributedPipeline.Describe(countsAtKill)}");
        Assert.InRange(recordedAtKill.Count, 1, (Target / SamplesPerRequest) - 1);

        using (var second = StartRun(spec, environment))
        {
            Assert.True(await second.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, second.Tail());
        }

        await PipelineAssertions.EveryPlannedSampleFinishedExactlyOnceAsync(store, jobId, Target, SamplesPerRequest);
        var calls = File.ReadAllLines(callLog).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(recordedAtKill, index => Assert.Equal(1, calls[SampleIds.Request(jobId, index)]));
        // One call per request: the first pass and the requests that made up for rejected samples.
        Assert.Equal((await store.CountAsync(jobId, CancellationToken.None)).RequestsSucceeded, calls.Count);
    }

    private ChildProcess StartRun(string spec, Dictionary<string, string?> extra)
    {
        var environment = TestJob.ProcessorEnvironment();
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        return ChildProcess.StartDotnet("synth run", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"),
            ["run", spec, "--store", Path.Combine(_directory, "synth.db")], environment, _directory);
    }

    private async Task<ISampleStore> OpenStoreAsync()
    {
        var store = SqliteStores.Open(Path.Combine(_directory, "synth.db")).Samples;
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
