using Synth.Contracts.Samples;
using Synth.Store.Sqlite;
using Synth.Testing;
using Xunit.Abstractions;

namespace Synth.EndToEnd.Tests;

/// <summary>
/// Generators scale like the other stages: several generator processes share one job by claiming blocks of its
/// requests in the store; one added mid-job takes part, one killed with SIGKILL mid-job leaves its blocks to the others.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GeneratorScalingTests(ITestOutputHelper output)
{
    private const string JobId = "e2e-generators";
    private const int Target = 1000;
    private const int SamplesPerRequest = 5;
    private const int ConcurrentRequests = 2;

    [Fact]
    public async Task Generators_added_and_killed_mid_job_send_each_request_once_but_the_killed_ones_in_flight()
    {
        var directory = Directory.CreateTempSubdirectory("synth-e2e-calls-").FullName;
        string CallLog(string instance) => Path.Combine(directory, $"{instance}.calls");
        await using var pipeline = await DistributedPipeline.StartAsync(JobId, Target, SamplesPerRequest, new Dictionary<string, string?>
        {
            // Slow enough (about 2 requests/s per generator) that the job lasts while a generator process starts on a busy
            // machine; leases short enough that a dead one's blocks move soon, long enough to outlast a busy store.
            ["SYNTH_TEST_GENERATOR_DELAY_MS"] = "1000",
            ["Processors__MaxConcurrentRequests"] = $"{ConcurrentRequests}",
            ["Generator__ClaimBlockSize"] = "4",
            ["Generator__ClaimLease"] = "00:00:10",
            // The first generator (the fixture names it generator-1) logs the requests it sends here.
            ["SYNTH_TEST_CALL_LOG"] = CallLog("generator-1"),
        });
        var stores = SqliteStores.Open(Path.Combine(pipeline.Directory, "synth.db"));
        void StartGenerator(string instance) =>
            pipeline.StartAnother(Stage.Generator, instance, new Dictionary<string, string?> { ["SYNTH_TEST_CALL_LOG"] = CallLog(instance) });

        const string victim = "generator-b";
        const string added = "generator-c";
        StartGenerator(victim);
        await pipeline.WaitForAsync(c => c.RequestsSucceeded >= 20, JobId, TimeSpan.FromMinutes(2));
        StartGenerator(added);
        // The added generator has claimed and sent requests before the kill.
        await pipeline.WaitForAsync(c => c.RequestsSucceeded >= 60 && File.Exists(CallLog(added)), JobId, TimeSpan.FromMinutes(2));
        pipeline.Kill(victim);
        var atKill = await pipeline.Store.CountAsync(JobId, CancellationToken.None);
        var plannedAtKill = await stores.RequestClaims.GetPlanAsync(JobId, CancellationToken.None);
        output.WriteLine($"killed {victim} at {atKill.RequestsSucceeded} of {plannedAtKill} planned requests recorded");
        Assert.True(atKill.RequestsSucceeded < plannedAtKill, "The kill came too late to be mid-job.");

        await pipeline.WaitForFinalAsync(JobId, Target, TimeSpan.FromMinutes(4));
        pipeline.StopAll();

        var samples = await PipelineAssertions.EveryPlannedSampleFinishedExactlyOnceAsync(pipeline.Store, JobId, Target, SamplesPerRequest);
        // Every planned request is recorded (once: a request's record is unique per index).
        var planned = await stores.RequestClaims.GetPlanAsync(JobId, CancellationToken.None);
        var recorded = await pipeline.Store.GetRecordedRequestIndexesAsync(JobId, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, (int)planned).Select(i => (long)i), recorded.Order());

        // Which instance recorded each request, from its samples' generator decision.
        var recordedBy = samples.GroupBy(s => s.Provenance.RequestIndex)
            .ToDictionary(g => g.Key, g => g.First().Decisions.Single(d => d.Stage == Stage.Generator).DecidedBy);
        var indexOf = recorded.ToDictionary(i => SampleIds.Request(JobId, i));
        var calls = Directory.GetFiles(directory, "*.calls")
            .SelectMany(file => File.ReadAllLines(file).Select(requestId => (Instance: Path.GetFileNameWithoutExtension(file), Index: indexOf[requestId])))
            .ToList();
        output.WriteLine(string.Join(", ", calls.GroupBy(c => c.Instance).Select(g => $"{g.Key}: {g.Count()} requests")));
        Assert.Contains(calls, c => c.Instance == added);
        Assert.Contains(calls, c => c.Instance == victim);

        // No request was sent twice, except those in flight on the killed instance, which were sent once more.
        var repeated = calls.GroupBy(c => c.Index).Where(g => g.Count() > 1).ToList();
        output.WriteLine($"sent again: {string.Join(", ", repeated.Select(g => g.Key))}");
        Assert.All(repeated, g =>
        {
            Assert.Equal(2, g.Count());
            Assert.Contains(g, c => c.Instance == victim);
            Assert.NotEqual(victim, recordedBy[g.Key]);
        });
        Assert.True(repeated.Count <= ConcurrentRequests, $"{repeated.Count} requests sent again; the killed instance had at most {ConcurrentRequests} in flight.");
        Assert.Equal(recorded.Count, calls.Select(c => c.Index).Distinct().Count());

        Directory.Delete(directory, recursive: true);
    }
}
