using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Messaging;
using Synth.Delivery.Processor;
using Synth.Messaging;
using Synth.Pipeline;

namespace Synth.Delivery.Tests;

/// <summary>The sink's hosted service on the one-machine transport, where nothing survives the process.</summary>
public sealed class DatasetSinkServiceTests : IDisposable
{
    private const string Job = "drain-job";
    private readonly string _folder = Directory.CreateTempSubdirectory("synth-sink-drain-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Stopped_with_curated_records_still_queued_on_the_in_process_bus_it_takes_every_one_in_before_it_exits()
    {
        const int Count = 60;
        var bus = new InProcessBus();
        // Two records in flight at a time and shards that never fill or age: all but two wait on the bus when the stop comes.
        var options = Microsoft.Extensions.Options.Options.Create(new DatasetSinkOptions
        {
            Folder = _folder,
            MaxInFlight = 2,
            MaxRowsPerShard = 10_000,
            MaxShardAgeSeconds = 3600,
        });
        var sink = new DatasetSink(new LocalFolderTarget(_folder), options.Value.Policy, TimeProvider.System, NullLogger<DatasetSink>.Instance);
        using var service = new DatasetSinkService(bus, sink, options, new WorkerHealth(), NullLogger<DatasetSinkService>.Instance);
        await service.StartAsync(CancellationToken.None);
        for (var i = 0; i < Count; i++)
        {
            var record = Records.Record(Job, i);
            await bus.PublishAsync(new OutboundMessage(Topics.Curated, record.SampleId, record.ToUtf8Json(), []), CancellationToken.None);
        }

        var tombstone = CuratedRecords.Tombstone(Records.Record(Job, 0).SampleId, Job, 2, "/test", Records.Now);
        await bus.PublishAsync(tombstone, CancellationToken.None);
        Assert.True(bus.UnfinishedCount(Topics.Curated) > 2, "The records were taken in before the stop; the test would not test the drain.");

        await service.StopAsync(CancellationToken.None);

        Assert.Equal(0, bus.UnfinishedCount(Topics.Curated));
        var rows = DuckDbDatasetReader.Read(Path.Combine(_folder, Job));
        Assert.Equal(Enumerable.Range(1, Count - 1).Select(i => Records.Record(Job, i).SampleId).Order(StringComparer.Ordinal), rows.Select(r => r.Id).Order(StringComparer.Ordinal));
    }
}
