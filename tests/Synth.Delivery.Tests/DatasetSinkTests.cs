using Synth.Contracts.Datasets;
using Synth.Contracts.Jobs;
using Synth.Delivery;
using Synth.Delivery.Processor;
using Synth.Messaging;

using static Synth.Delivery.Tests.SinkRuns;

namespace Synth.Delivery.Tests;

public sealed class DatasetSinkTests : IDisposable
{
    private const string Job = "sink-job";
    private readonly string _folder = Directory.CreateTempSubdirectory("synth-sink-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string JobFolder => Path.Combine(_folder, Job);

    [Fact]
    public async Task Killed_mid_shard_and_restarted_from_the_committed_offset_it_loses_no_row_and_duplicates_none()
    {
        const int Count = 60;
        var log = SinkRuns.Partition(Job, Count);
        var policy = new ShardPolicy(MaxRows: 8, MaxBytes: 1_000_000, MaxAge: TimeSpan.FromHours(1));

        // First life: shards fill and are sealed; the rest is held in open shards when the process dies.
        using (var killed = new CancellationTokenSource())
        {
            var sink = Sink(new LocalFolderTarget(_folder), policy);
            var delivered = log.Deliver(sink, killed.Token);
            await SettleAsync(sink, delivered);
            Assert.True(sink.PendingRecords > 0, "Nothing was held in an open shard; the test would not test a kill mid-shard.");
            log.Commit(delivered);
            await killed.CancelAsync();
            await Task.WhenAll(delivered.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        }

        var firstLife = DuckDbDatasetReader.Read(JobFolder);
        Assert.NotEmpty(firstLife);
        Assert.True(log.Committed < Count);

        // Second life: everything from the committed offset comes again, including records already in shards.
        var restarted = Sink(new LocalFolderTarget(_folder), policy);
        await DrainAsync(restarted, log.Deliver(restarted, CancellationToken.None));

        var rows = DuckDbDatasetReader.Read(JobFolder);
        Assert.Equal(Count, rows.Count);
        Assert.Equal(Count, rows.Select(r => r.Id).Distinct().Count());
        Assert.All(firstLife, r => Assert.Contains(r, rows));
        Assert.All(rows, r => Assert.Equal(DatasetSplit.Of(r.Id, new ExportSpec()), r.Split));
        Assert.All(rows, r => Assert.Equal(r.Split, r.FileSplit));
    }

    [Fact]
    public async Task Killed_between_a_shard_and_its_manifest_the_orphan_shard_is_never_read_and_its_rows_come_again()
    {
        const int Count = 30;
        var log = SinkRuns.Partition(Job, Count, split: "train");
        var policy = new ShardPolicy(MaxRows: 10, MaxBytes: 1_000_000, MaxAge: TimeSpan.FromHours(1));

        using (var killed = new CancellationTokenSource())
        {
            // The second seal writes its shard, then dies before the manifest.
            var sink = Sink(new DyingTarget(new LocalFolderTarget(_folder), manifestsBeforeDeath: 1), policy);
            var delivered = log.Deliver(sink, killed.Token);
            await SettleAsync(sink, delivered);
            if (sink.PendingRecords > 0)
            {
                // Concurrent arrivals can leave a shard below the row limit; its age seal dies the same way.
                await Assert.ThrowsAsync<IOException>(() => sink.SealDueAsync(everything: true, CancellationToken.None));
            }

            await Task.WhenAll(delivered.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(30));
            log.Commit(delivered);
        }

        // How many shards the one manifest that landed holds depends on how the concurrent arrivals were sealed; what
        // holds always: a reader sees only that manifest's rows, the shard written after it is on disk but never read,
        // and no offset past the manifest is committed.
        var readBefore = DuckDbDatasetReader.Read(JobFolder).Count;
        Assert.InRange(readBefore, 1, Count - 1);
        using (var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(JobFolder, "manifest-p0.json"))))
        {
            var listed = manifest.RootElement.GetProperty("shards").GetArrayLength();
            Assert.True(Directory.GetFiles(Path.Combine(JobFolder, "data"), "*.parquet").Length > listed, "The orphan shard was not written.");
        }

        Assert.InRange(log.Committed, 0, readBefore);

        var restarted = Sink(new LocalFolderTarget(_folder), policy);
        await DrainAsync(restarted, log.Deliver(restarted, CancellationToken.None));

        var rows = DuckDbDatasetReader.Read(JobFolder);
        Assert.Equal(Count, rows.Count);
        Assert.Equal(Count, rows.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_reader_gets_only_the_latest_version_of_each_sample_and_none_of_a_removed_one()
    {
        var sink = Sink(new LocalFolderTarget(_folder), new ShardPolicy(MaxRows: 4, MaxBytes: 1_000_000, MaxAge: TimeSpan.FromHours(1)));
        await DrainAsync(sink, Enumerable.Range(0, 10).Select(i => Records.Message(Records.Record(Job, i, version: 3, split: "train"))));

        // Reviewers relabel samples 0–2 (higher versions) and reject sample 5 (a tombstone).
        await DrainAsync(sink, Enumerable.Range(0, 3)
            .Select(i => Records.Message(Records.Record(Job, i, version: 5, label: "negative", split: "train")))
            .Append(Records.Tombstone(Job, 5, version: 6))
            // A stale redelivery of a version already in the dataset changes nothing.
            .Append(Records.Message(Records.Record(Job, 7, version: 3, split: "train"))));

        var rows = DuckDbDatasetReader.Read(JobFolder);
        Assert.Equal(9, rows.Count);
        Assert.DoesNotContain(rows, r => r.Id == Records.Record(Job, 5).SampleId);
        Assert.All(rows.Where(r => r.Id.CompareTo(Records.Record(Job, 3).SampleId) < 0), r => Assert.Equal(("negative", 5L), (r.Label, r.Version)));
        Assert.All(rows.Where(r => r.Id.CompareTo(Records.Record(Job, 3).SampleId) >= 0), r => Assert.Equal(("positive", 3L), (r.Label, r.Version)));
    }

    [Fact]
    public async Task An_instance_that_lost_its_partition_to_another_cannot_replace_the_newer_manifest_and_takes_it_up_on_its_next_record()
    {
        var policy = new ShardPolicy(MaxRows: 2, MaxBytes: 1_000_000, MaxAge: TimeSpan.FromHours(1));
        InboundMessage[] Messages(int from) => [.. Enumerable.Range(from, 2).Select(i => Records.Message(Records.Record(Job, i, split: "train"), offset: i))];
        var first = Sink(new LocalFolderTarget(_folder), policy);
        var second = Sink(new LocalFolderTarget(_folder), policy);
        await DrainAsync(first, Messages(0));

        // A rebalance gave the partition to the second instance, which restored it and sealed on.
        await DrainAsync(second, Messages(2));
        // The first one, not told yet, seals on its stale state: refused, its records are failed back.
        var stale = Messages(4).Select(m => first.HandleAsync(m, CancellationToken.None)).ToList();
        await Assert.ThrowsAsync<ManifestConflictException>(() => Task.WhenAll(stale));
        Assert.Equal(0, first.PendingRecords);
        // Given the partition back, it restores it from the manifest and its redelivered records go on from there.
        await DrainAsync(first, Messages(4));

        var rows = DuckDbDatasetReader.Read(JobFolder);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => Records.Record(Job, i).SampleId).Order(StringComparer.Ordinal), rows.Select(r => r.Id));
        var manifest = await new LocalFolderTarget(_folder).ReadManifestAsync(Job, 0, CancellationToken.None);
        Assert.Equal((3L, 3), (manifest!.Sequence, manifest.Shards.Count));
        // Three writers in turn (first, second, first restored), each under its own token: no shard name was reused.
        Assert.Equal(3, manifest.Shards.Select(s => Path.GetFileNameWithoutExtension(s.Path).Split('-')[^1]).Distinct().Count());
    }

    /// <summary>A target whose process dies after a number of manifests: the next seal's shard is written, its manifest never.</summary>
    private sealed class DyingTarget(IDatasetTarget inner, int manifestsBeforeDeath) : IDatasetTarget
    {
        private int _manifests;

        public Task<DatasetManifest?> ReadManifestAsync(string jobId, int partition, CancellationToken cancellationToken) => inner.ReadManifestAsync(jobId, partition, cancellationToken);

        public Task WriteShardAsync(string jobId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
            _manifests >= manifestsBeforeDeath + 1 ? throw new IOException("dead") : inner.WriteShardAsync(jobId, path, content, cancellationToken);

        public Task<Stream> OpenShardAsync(string jobId, string path, CancellationToken cancellationToken) => inner.OpenShardAsync(jobId, path, cancellationToken);

        public Task ReplaceManifestAsync(string jobId, DatasetManifest manifest, CancellationToken cancellationToken) =>
            ++_manifests > manifestsBeforeDeath ? throw new IOException("killed before the manifest") : inner.ReplaceManifestAsync(jobId, manifest, cancellationToken);
    }
}
