using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;

namespace Synth.Pipeline.Tests;

public sealed class InProcessBusStageWorkerTests : IAsyncLifetime
{
    private TempStore _temp = null!;

    public InProcessBusStageWorkerTests() => Tracing.EnsureListening();

    public async Task InitializeAsync() => _temp = await TempStore.CreateAsync();

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    [Fact]
    public async Task A_failed_handling_is_retried_by_the_bus_and_the_topic_drains_to_zero()
    {
        const string jobId = "bus-retry";
        var job = TestJobs.Create(jobId);
        var errors = new ConcurrentQueue<(string? Key, Exception Error, int Attempt)>();
        var bus = new InProcessBus(capacityPerTopic: 16, onHandlerError: (message, error, attempt) => errors.Enqueue((message.Key, error, attempt)));
        bus.Subscribe(Topics.Generated);
        var accepted = bus.Subscribe(Topics.Accepted);

        var flaky = new FlakyStore(_temp.Store);
        var catalog = new JobCatalog(flaky);
        catalog.Add(job);
        var filter = ScriptedProcessor.Filter();
        var worker = new StageWorker(filter, flaky, bus, catalog, new StageActivity(Stage.Filter), TimeProvider.System,
            NullLogger<StageWorker>.Instance, "bus-worker");

        var samples = Enumerable.Range(0, 3).Select(i => TestJobs.GeneratedSample(jobId, 0, i, $"Review {i}.")).ToList();
        foreach (var sample in samples)
        {
            await _temp.Store.SaveSampleAsync(sample, CancellationToken.None);
        }

        flaky.FailingSaves = 2; // the first two saves fail: whichever messages they belong to are retried.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var consuming = bus.ConsumeAsync(new ConsumeSettings { Topic = Topics.Generated, GroupId = "filter", MaxInFlight = 1 }, worker, stop.Token);
        foreach (var sample in samples)
        {
            await SampleMessages.PublishInSampleTraceAsync(bus, sample, "/synth/test", DateTimeOffset.UtcNow, CancellationToken.None);
        }

        while (bus.UnfinishedCount(Topics.Generated) > 0)
        {
            await Task.Delay(10, stop.Token);
        }

        await stop.CancelAsync();
        await consuming;

        Assert.Equal(0, bus.UnfinishedCount(Topics.Generated));
        Assert.Equal(3 + 2, filter.Calls); // processed again on each redelivery: the failed saves kept nothing
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.IsType<IOException>(e.Error));
        Assert.Equal([1, 2], errors.Select(e => e.Attempt));
        Assert.All(errors, e => Assert.Equal(samples[0].Id, e.Key));

        foreach (var sample in samples)
        {
            var stored = await _temp.Store.GetSampleAsync(sample.Id, CancellationToken.None);
            Assert.Equal(SampleState.Accepted, stored!.State);
            Assert.Single(stored.Decisions, d => d.Stage == Stage.Filter);
        }

        Assert.Equal(3, accepted.Count);
        Assert.Equal(3, bus.UnfinishedCount(Topics.Accepted)); // published onwards, nobody consumed them in this test
        Assert.Equal(0, (await _temp.Store.CountAsync(jobId, CancellationToken.None)).Failures);
    }
}
