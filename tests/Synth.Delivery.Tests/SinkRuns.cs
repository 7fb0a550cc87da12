using Microsoft.Extensions.Logging.Abstractions;
using Synth.Delivery.Processor;
using Synth.Messaging;

namespace Synth.Delivery.Tests;

/// <summary>Drives a dataset sink as its consume loop does; shared by the sink tests on every target.</summary>
internal static class SinkRuns
{
    public static DatasetSink Sink(IDatasetTarget target, ShardPolicy policy) =>
        new(target, policy, TimeProvider.System, NullLogger<DatasetSink>.Instance);

    /// <summary>One partition holding the records of samples 0 to count-1 of the job, at offsets 0 to count-1.</summary>
    public static ReplayedPartition Partition(string jobId, int count, string? split = null) =>
        new([.. Enumerable.Range(0, count).Select(i => Records.Message(Records.Record(jobId, i, split: split), offset: i))]);

    /// <summary>Waits until every delivered record is either acknowledged or held in an open shard.</summary>
    public static async Task SettleAsync(DatasetSink sink, IReadOnlyList<Task> delivered)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (delivered.Count(t => t.IsCompleted) + sink.PendingRecords < delivered.Count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{delivered.Count(t => t.IsCompleted)} done, {sink.PendingRecords} held of {delivered.Count}.");
            await Task.Delay(20);
        }

        // A seal in progress finishes its writes before it completes anyone: let it.
        await Task.Delay(100);
    }

    /// <summary>Lets the delivered records arrive, seals every open shard, and waits until every record is acknowledged.</summary>
    public static async Task DrainAsync(DatasetSink sink, IReadOnlyList<Task> delivered)
    {
        await SettleAsync(sink, delivered);
        await sink.SealDueAsync(everything: true, CancellationToken.None);
        await Task.WhenAll(delivered);
    }

    /// <summary>Hands the records to the sink at once (as one partition's in-flight records) and drains it.</summary>
    public static Task DrainAsync(DatasetSink sink, IEnumerable<InboundMessage> messages) =>
        DrainAsync(sink, [.. messages.Select(m => sink.HandleAsync(m, CancellationToken.None))]);
}
