using Microsoft.Extensions.DependencyInjection;
using Synth.Jobs;
using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Store;
using Synth.Testing;

namespace Synth.ControlPlane.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ControlPlaneCollection
{
    // The test processors read their delays from the environment, which every test in the process shares.
    public const string Name = "control plane";
}

[Collection(ControlPlaneCollection.Name)]
public sealed class JobLifecycleTests : IDisposable
{
    private static readonly string[] DelayVariables =
        ["SYNTH_TEST_GENERATOR_DELAY_MS", "SYNTH_TEST_FILTER_DELAY_MS", "SYNTH_TEST_REFINER_DELAY_MS", "SYNTH_TEST_EVALUATOR_DELAY_MS"];

    private readonly string _directory = Directory.CreateTempSubdirectory("synth-control-plane-").FullName;

    /// <summary>
    /// The target counts curated samples: the job made up for the scripted rejections (every 10th sample) with whole
    /// requests, asking for little more than rounding up needs, and every request's samples are stored.
    /// </summary>
    private static void AssertCuratedTarget(JobCounts counts, int target, int samplesPerRequest)
    {
        Assert.InRange(counts[SampleState.Evaluated], target, target + (2 * samplesPerRequest));
        Assert.Equal(counts.RequestsSucceeded * samplesPerRequest, counts.TotalSamples);
        Assert.Equal(TestJob.ExpectedRejected((int)counts.TotalSamples), counts[SampleState.Rejected]);
    }

    [Theory]
    [MemberData(nameof(ControlPlaneHost.Transports), MemberType = typeof(ControlPlaneHost))]
    public async Task A_submitted_job_goes_through_every_state_to_completed_with_each_transition_recorded(string transport)
    {
        await using var host = await ControlPlaneHost.StartAsync(_directory, transport);
        var changes = await host.ObserveAsync<JobStateChanged>("states");
        var reportMessages = host.Services.GetRequiredService<InProcessBus>().Subscribe(Topics.Reports);
        var submitted = await host.Jobs.SubmitAsync(TestJob.Spec("lifecycle", target: 20, samplesPerRequest: 5), "lifecycle.yaml", SpecSource.Operator, CancellationToken.None);
        Assert.Equal(JobState.Submitted, submitted.State);

        var job = await host.WaitForStateAsync("lifecycle", JobState.Completed);

        Assert.Equal(
            [JobState.Submitted, JobState.Generating, JobState.Draining, JobState.Evaluating, JobState.Completed],
            job.Transitions.Select(t => t.To));
        Assert.Equal(job.Transitions.Select(t => t.At).Order(), job.Transitions.Select(t => t.At));
        Assert.Equal("generation done", job.Transitions.Single(t => t.To == JobState.Draining).Reason);
        var counts = await host.Store.CountAsync("lifecycle", CancellationToken.None);
        AssertCuratedTarget(counts, target: 20, samplesPerRequest: 5);
        Assert.Equal(0, DrainMonitor.Pending(counts));
        var stored = await host.Reports.GetReportAsync("lifecycle", CancellationToken.None);
        Assert.NotNull(stored);
        // The evaluator publishes the report it stored on synth.reports, keyed by the job.
        Assert.True(reportMessages.TryRead(out var published));
        Assert.Equal("lifecycle", published.Key);
        Assert.Equal(stored.Json, System.Text.Encoding.UTF8.GetString(published.Value));
        await host.WaitUntilAsync(() => Task.FromResult(Count(changes) >= 5), "every state change was published");
        Assert.Equal(job.Transitions.Select(t => t.To), Snapshot(changes).Select(c => c.To));
    }

    [Theory]
    [MemberData(nameof(ControlPlaneHost.Transports), MemberType = typeof(ControlPlaneHost))]
    public async Task Pause_stops_generation_and_resume_finishes_the_job_without_repeating_a_request(string transport)
    {
        Environment.SetEnvironmentVariable("SYNTH_TEST_GENERATOR_DELAY_MS", "150");
        await using var host = await ControlPlaneHost.StartAsync(_directory, transport);
        await host.Jobs.SubmitAsync(TestJob.Spec("pausing", target: 60, samplesPerRequest: 2), "pausing.yaml", SpecSource.Operator, CancellationToken.None);
        await host.WaitUntilAsync(async () => (await host.Store.CountAsync("pausing", CancellationToken.None)).RequestsSucceeded >= 2, "generation began");

        await host.Jobs.PauseAsync("pausing", CancellationToken.None);
        await host.WaitForStateAsync("pausing", JobState.Paused);
        // The generator hears of the pause asynchronously and lets the requests it had sent finish; once the count
        // has settled, at most a slow straggler may still land while the job stays paused.
        var atPause = await SettledRequestCountAsync(host, "pausing");
        await Task.Delay(1000);
        var later = (await host.Store.CountAsync("pausing", CancellationToken.None)).RequestsSucceeded;
        Assert.True(later <= atPause + 2, $"generation went on while paused: {atPause} then {later} requests");
        Assert.True(later < 30, "the job finished before it could be paused");
        await Assert.ThrowsAsync<JobTransitionException>(() => host.Jobs.PauseAsync("pausing", CancellationToken.None));

        Environment.SetEnvironmentVariable("SYNTH_TEST_GENERATOR_DELAY_MS", null);
        await host.Jobs.ResumeAsync("pausing", CancellationToken.None);
        var job = await host.WaitForStateAsync("pausing", JobState.Completed);

        Assert.Contains(job.Transitions, t => t.From == JobState.Generating && t.To == JobState.Paused);
        Assert.Contains(job.Transitions, t => t.From == JobState.Paused && t.To == JobState.Generating && t.Reason == "resumed");
        var counts = await host.Store.CountAsync("pausing", CancellationToken.None);
        AssertCuratedTarget(counts, target: 60, samplesPerRequest: 2);
    }

    [Theory]
    [MemberData(nameof(ControlPlaneHost.Transports), MemberType = typeof(ControlPlaneHost))]
    public async Task Cancel_during_draining_ends_the_job_cancelled_and_it_is_never_evaluated(string transport)
    {
        Environment.SetEnvironmentVariable("SYNTH_TEST_FILTER_DELAY_MS", "200");
        await using var host = await ControlPlaneHost.StartAsync(_directory, transport, settings: new Dictionary<string, string?> { ["Processors:MaxInFlight"] = "1" });
        await host.Jobs.SubmitAsync(TestJob.Spec("cancelling", target: 20, samplesPerRequest: 10), "cancelling.yaml", SpecSource.Operator, CancellationToken.None);
        await host.WaitForStateAsync("cancelling", JobState.Draining);

        await host.Jobs.CancelAsync("cancelling", "changed my mind", CancellationToken.None);
        var job = await host.WaitForStateAsync("cancelling", JobState.Cancelled);
        Environment.SetEnvironmentVariable("SYNTH_TEST_FILTER_DELAY_MS", null);

        Assert.Equal("cancelled: changed my mind", job.StateReason);
        Assert.Equal(JobState.Draining, job.Transitions[^1].From);
        await Task.Delay(1500);
        job = (await host.Store.GetJobAsync("cancelling", CancellationToken.None))!;
        Assert.Equal(JobState.Cancelled, job.State);
        Assert.DoesNotContain(job.Transitions, t => t.To is JobState.Evaluating or JobState.Completed);
        Assert.Null(await host.Reports.GetReportAsync("cancelling", CancellationToken.None));
        await Assert.ThrowsAsync<JobTransitionException>(() => host.Jobs.ResumeAsync("cancelling", CancellationToken.None));
    }

    [Fact]
    public async Task Stopping_the_host_stops_generation_before_it_returns()
    {
        // Requests are in flight when the host stops. Nothing may be recorded after its StopAsync: the container is
        // disposed later, and under WebApplicationFactory perhaps on another thread while the test deletes the store.
        Environment.SetEnvironmentVariable("SYNTH_TEST_GENERATOR_DELAY_MS", "100");
        var host = await ControlPlaneHost.StartAsync(_directory, "InMemory");
        try
        {
            await host.Jobs.SubmitAsync(TestJob.Spec("stopped", target: 400, samplesPerRequest: 1), "stopped.yaml", SpecSource.Operator, CancellationToken.None);
            await host.WaitUntilAsync(async () => (await host.Store.CountAsync("stopped", CancellationToken.None)).RequestsSucceeded >= 3, "generation began");

            await host.StopAsync();
            var atStop = await host.Store.CountAsync("stopped", CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(1));
            var later = await host.Store.CountAsync("stopped", CancellationToken.None);

            Assert.Equal(atStop.RequestsSucceeded + atStop.RequestsFailed, later.RequestsSucceeded + later.RequestsFailed);
        }
        finally
        {
            await host.DisposeAsync();
            Environment.SetEnvironmentVariable("SYNTH_TEST_GENERATOR_DELAY_MS", null);
        }
    }

    [Theory]
    [MemberData(nameof(ControlPlaneHost.Transports), MemberType = typeof(ControlPlaneHost))]
    public async Task A_restarted_control_plane_host_carries_on_the_job_from_its_stored_state(string transport)
    {
        // A slow refiner leaves accepted samples between stages when the host goes down: the in-process channels die with it.
        Environment.SetEnvironmentVariable("SYNTH_TEST_GENERATOR_DELAY_MS", "100");
        Environment.SetEnvironmentVariable("SYNTH_TEST_REFINER_DELAY_MS", "300");
        var first = await ControlPlaneHost.StartAsync(_directory, transport, settings: new Dictionary<string, string?> { ["Processors:MaxInFlight"] = "1" });
        await first.Jobs.SubmitAsync(TestJob.Spec("restarted", target: 40, samplesPerRequest: 2), "restarted.yaml", SpecSource.Operator, CancellationToken.None);
        await first.WaitUntilAsync(async () => (await first.Store.CountAsync("restarted", CancellationToken.None)).RequestsSucceeded >= 3, "generation began");
        await first.DisposeAsync();
        Environment.SetEnvironmentVariable("SYNTH_TEST_GENERATOR_DELAY_MS", null);
        Environment.SetEnvironmentVariable("SYNTH_TEST_REFINER_DELAY_MS", null);
        var stopped = Synth.Store.Sqlite.SqliteStores.Open(Path.Combine(_directory, "synth.db")).Samples;
        Assert.Equal(JobState.Generating, (await stopped.GetJobAsync("restarted", CancellationToken.None))!.State);
        Assert.True((await stopped.CountAsync("restarted", CancellationToken.None))[SampleState.Accepted] > 0, "no sample was left between stages");

        await using var second = await ControlPlaneHost.StartAsync(_directory, transport, instance: "host-b");
        var job = await second.WaitForStateAsync("restarted", JobState.Completed);

        var counts = await second.Store.CountAsync("restarted", CancellationToken.None);
        AssertCuratedTarget(counts, target: 40, samplesPerRequest: 2);
        Assert.Equal(0, DrainMonitor.Pending(counts));
        Assert.Equal(
            [JobState.Submitted, JobState.Generating, JobState.Draining, JobState.Evaluating, JobState.Completed],
            job.Transitions.Select(t => t.To));
    }

    [Theory]
    [MemberData(nameof(ControlPlaneHost.Transports), MemberType = typeof(ControlPlaneHost))]
    public async Task Raising_the_target_of_a_draining_job_reopens_generation_up_to_the_new_target(string transport)
    {
        Environment.SetEnvironmentVariable("SYNTH_TEST_FILTER_DELAY_MS", "100");
        await using var host = await ControlPlaneHost.StartAsync(_directory, transport, settings: new Dictionary<string, string?> { ["Processors:MaxInFlight"] = "1" });
        await host.Jobs.SubmitAsync(TestJob.Spec("retargeted", target: 10, samplesPerRequest: 5), "retargeted.yaml", SpecSource.Operator, CancellationToken.None);
        await host.WaitForStateAsync("retargeted", JobState.Draining);

        await host.Jobs.ChangeTargetAsync("retargeted", 20, CancellationToken.None);
        Environment.SetEnvironmentVariable("SYNTH_TEST_FILTER_DELAY_MS", null);
        var job = await host.WaitForStateAsync("retargeted", JobState.Completed);

        Assert.Equal(20, job.TargetCount);
        Assert.Contains(job.Transitions, t => t.From == JobState.Draining && t.To == JobState.Generating && t.Reason == "target changed to 20");
        AssertCuratedTarget(await host.Store.CountAsync("retargeted", CancellationToken.None), target: 20, samplesPerRequest: 5);
    }

    [Theory]
    [MemberData(nameof(ControlPlaneHost.Transports), MemberType = typeof(ControlPlaneHost))]
    public async Task Several_jobs_run_at_once_and_a_small_job_finishes_while_a_large_one_is_still_generating(string transport)
    {
        Environment.SetEnvironmentVariable("SYNTH_TEST_GENERATOR_DELAY_MS", "40");
        await using var host = await ControlPlaneHost.StartAsync(_directory, transport);
        // 1,000 requests at 40 ms, two at a time: the large job generates for about 20 s, far longer than the small
        // job's whole life even while other test assemblies load the machine (with 200 samples it raced at 2 s).
        await host.Jobs.SubmitAsync(TestJob.Spec("large", target: 2000, samplesPerRequest: 2), "large.yaml", SpecSource.Operator, CancellationToken.None);
        await host.WaitUntilAsync(async () => (await host.Store.CountAsync("large", CancellationToken.None)).RequestsSucceeded >= 2, "the large job began");
        await host.Jobs.SubmitAsync(TestJob.Spec("small", target: 10, samplesPerRequest: 2), "small.yaml", SpecSource.Operator, CancellationToken.None);

        await host.WaitForStateAsync("small", JobState.Completed);
        var large = await host.Store.GetJobAsync("large", CancellationToken.None);
        Assert.Equal(JobState.Generating, large!.State);
        Environment.SetEnvironmentVariable("SYNTH_TEST_GENERATOR_DELAY_MS", null);
        // 2,000 samples to generate and report on: on a loaded machine that takes longer than the default wait.
        await host.WaitForStateAsync("large", JobState.Completed, TimeSpan.FromMinutes(5));
        AssertCuratedTarget(await host.Store.CountAsync("large", CancellationToken.None), target: 2000, samplesPerRequest: 2);
        AssertCuratedTarget(await host.Store.CountAsync("small", CancellationToken.None), target: 10, samplesPerRequest: 2);
    }

    [Fact]
    public async Task Commands_check_the_stored_job_first()
    {
        await using var host = await ControlPlaneHost.StartAsync(_directory, "InMemory");
        await Assert.ThrowsAsync<Synth.Pipeline.UnknownJobException>(() => host.Jobs.PauseAsync("no-such-job", CancellationToken.None));
        var error = await Assert.ThrowsAsync<Synth.Jobs.JobSpecValidationException>(() =>
            host.Jobs.SubmitAsync(TestJob.Spec("bad", target: 0, samplesPerRequest: 2), "bad.yaml", SpecSource.Operator, CancellationToken.None));
        Assert.Contains("bad.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("generation.target", error.Message, StringComparison.Ordinal);

        await host.Jobs.SubmitAsync(TestJob.Spec("twice", target: 4, samplesPerRequest: 2), "twice.yaml", SpecSource.Operator, CancellationToken.None);
        var again = await host.Jobs.SubmitAsync(TestJob.Spec("twice", target: 4, samplesPerRequest: 2), "twice.yaml", SpecSource.Operator, CancellationToken.None);
        Assert.Equal("twice", again.Id);
        await Assert.ThrowsAsync<JobTransitionException>(() =>
            host.Jobs.SubmitAsync(TestJob.Spec("twice", target: 6, samplesPerRequest: 2), "twice.yaml", SpecSource.Operator, CancellationToken.None));
        await host.WaitForStateAsync("twice", JobState.Completed);
        await Assert.ThrowsAsync<JobTransitionException>(() => host.Jobs.CancelAsync("twice", null, CancellationToken.None));
    }

    public void Dispose()
    {
        foreach (var variable in DelayVariables)
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static int Count<T>(List<T> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }

    private static List<T> Snapshot<T>(List<T> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }

    /// <summary>The job's succeeded-request count once it has not changed for half a second (at most 20 s).</summary>
    private static async Task<long> SettledRequestCountAsync(ControlPlaneHost host, string jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        long last = -1;
        while (true)
        {
            var now = (await host.Store.CountAsync(jobId, CancellationToken.None)).RequestsSucceeded;
            if (now == last || DateTime.UtcNow > deadline)
            {
                return now;
            }

            last = now;
            await Task.Delay(500);
        }
    }
}
