using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Synth.Contracts.Datasets;
using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Delivery.Processor;
using Synth.Messaging;
using Synth.Messaging.Kafka;
using Synth.Pipeline;

namespace Synth.Delivery.Tests;

/// <summary>
/// Sink instances in one consumer group on the local broker host, sharing one target folder: each writes the manifests
/// of the partitions it owns. One dies between a shard and its manifest, another joins; a trainer's reader still gets
/// every curated sample once, at its latest version.
/// </summary>
public sealed class ScaledOutSinkTests : IAsyncLifetime
{
    private const string Job = "scaled-job";
    private const string Group = "scaled-sink";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly ShardPolicy Policy = new(MaxRows: 5, MaxBytes: 1_000_000, MaxAge: TimeSpan.FromMilliseconds(300));

    private CuratedTopicBroker _broker = null!;

    private string Folder => _broker.Folder;

    private string JobFolder => Path.Combine(Folder, "datasets", Job);

    public async Task InitializeAsync() => _broker = await CuratedTopicBroker.StartAsync("synth-scaled-sink-");

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Three_instances_one_killed_between_a_shard_and_its_manifest_and_one_joining_leave_every_sample_once_at_its_latest_version()
    {
        using var publisher = new KafkaPublisher(Options(), NullLogger<KafkaPublisher>.Instance);
        var a = SinkInstance.Start(Options(), new LocalFolderTarget(Path.Combine(Folder, "datasets")));
        var b = SinkInstance.Start(Options(), new LocalFolderTarget(Path.Combine(Folder, "datasets")));
        // New samples keep coming until both instances own partitions and have sealed from them (the second to join
        // the group gets its share in a rebalance).
        var samples = 0;
        var deadline = DateTime.UtcNow + Timeout;
        while (samples < 30 || a.Manifests == 0 || b.Manifests == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out; manifests written: {a.Manifests} by A, {b.Manifests} by B");
            await PublishAsync(publisher, Enumerable.Range(samples, 5).Select(i => Records.Record(Job, i)));
            samples += 5;
            await Task.Delay(200);
        }

        // A dies at its next manifest: that seal's shards are on disk, its manifest never written, nothing after it.
        a.KillAtNextManifest();
        await PublishAsync(publisher, Enumerable.Range(samples, 40).Select(i => Records.Record(Job, i))
            .Concat(Enumerable.Range(0, 10).Select(i => Records.Record(Job, i, version: 2, label: "negative"))));
        samples += 40;
        await PublishAsync(publisher, [CuratedRecords.Tombstone(SampleIds.For(Job, 10, 0), Job, 3, "/test", Records.Now),
            CuratedRecords.Tombstone(SampleIds.For(Job, 11, 0), Job, 3, "/test", Records.Now)]);
        await UntilAsync(() => a.Killed, () => "A wrote no manifest since it was doomed");
        await a.StopAsync();

        var c = SinkInstance.Start(Options(), new LocalFolderTarget(Path.Combine(Folder, "datasets")));
        await PublishAsync(publisher, Enumerable.Range(20, 5).Select(i => Records.Record(Job, i, version: 4, label: "negative")));

        var expected = Enumerable.Range(0, samples).Where(i => i is not (10 or 11))
            .ToDictionary(i => SampleIds.For(Job, i, 0), i => i switch { < 10 => 2L, >= 20 and < 25 => 4L, _ => 1L });
        var wanted = expected.Select(e => (e.Key, e.Value)).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        await UntilAsync(
            () => DuckDbDatasetReader.Read(JobFolder).Select(r => (r.Id, r.Version)).SequenceEqual(wanted),
            () => $"missing or older: {string.Join(", ", wanted.Except(DuckDbDatasetReader.Read(JobFolder).Select(r => (r.Id, r.Version))))}");
        await b.StopAsync();
        await c.StopAsync();

        var rows = DuckDbDatasetReader.Read(JobFolder);
        Assert.Equal(expected.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal(expected[r.Id], r.Version));
        Assert.All(rows, r => Assert.Equal(r.Version is 2 or 4 ? "negative" : "positive", r.Label));
        Assert.All(rows, r => Assert.Equal((DatasetSplit.Of(r.Id, new ExportSpec()), r.Split), (r.Split, r.FileSplit)));
        // Every partition has its manifest; the shards the killed instance wrote after it was doomed are on disk, never listed.
        var manifests = Directory.GetFiles(JobFolder, DatasetManifest.FilePattern)
            .Select(f => System.Text.Json.JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllBytes(f), ManifestJson.Options)!).ToList();
        Assert.Equal([0, 1, 2], manifests.Select(m => m.Partition).Order());
        var listed = manifests.SelectMany(m => m.Shards).Select(s => s.Path).ToHashSet(StringComparer.Ordinal);
        Assert.All(a.Orphans, orphan => Assert.True(File.Exists(Path.Combine(JobFolder, orphan)) && !listed.Contains(orphan), orphan));
    }

    private static async Task PublishAsync(KafkaPublisher publisher, IEnumerable<CuratedRecord> records)
    {
        foreach (var record in records)
        {
            await publisher.PublishAsync(Records.Outbound(record), CancellationToken.None);
        }
    }

    private static async Task PublishAsync(KafkaPublisher publisher, IEnumerable<OutboundMessage> messages)
    {
        foreach (var message in messages)
        {
            await publisher.PublishAsync(message, CancellationToken.None);
        }
    }

    private IOptions<KafkaOptions> Options()
    {
        var options = _broker.Options();
        options.RevocationGracePeriod = TimeSpan.FromSeconds(2);
        return Microsoft.Extensions.Options.Options.Create(options);
    }

    private static async Task UntilAsync(Func<bool> condition, Func<string> state)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out; {state()}");
            await Task.Delay(200);
        }
    }

    /// <summary>One sink process: a consumer of the group, its sink, and the age checks the hosted service runs.</summary>
    private sealed class SinkInstance
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly KillableTarget _target;
        private Task _consuming = Task.CompletedTask;
        private Task _ageChecks = Task.CompletedTask;

        private SinkInstance(IDatasetTarget target) => _target = new KillableTarget(target);

        public int Manifests => _target.Manifests;
        public bool Killed => _target.Killed;
        public IReadOnlyCollection<string> Orphans => _target.Orphans;

        public static SinkInstance Start(IOptions<KafkaOptions> options, IDatasetTarget target)
        {
            var instance = new SinkInstance(target);
            var sink = new DatasetSink(instance._target, Policy, TimeProvider.System, NullLogger<DatasetSink>.Instance);
            instance._consuming = new KafkaConsumer(options, NullLogger<KafkaConsumer>.Instance)
                .RunAsync(new ConsumeSettings { Topic = Topics.Curated, GroupId = Group, MaxInFlight = 64 }, sink, instance._stop.Token);
            instance._ageChecks = Task.Run(async () =>
            {
                while (!instance._stop.IsCancellationRequested)
                {
                    await Task.Delay(100, CancellationToken.None);
                    try
                    {
                        await sink.SealDueAsync(everything: false, CancellationToken.None);
                    }
                    catch (Exception ex) when (ex is IOException or ManifestConflictException)
                    {
                        // As the hosted service: the seal's records were failed back and come again.
                    }
                }
            });
            return instance;
        }

        public void KillAtNextManifest() => _target.KillAtNextManifest();

        /// <summary>Stops the consumer: it commits only what its handlers finished, i.e. what a manifest holds.</summary>
        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_consuming, _ageChecks).WaitAsync(Timeout);
        }
    }

    /// <summary>A target that, once killed, writes nothing more: as if the process died at that moment.</summary>
    private sealed class KillableTarget(IDatasetTarget inner) : IDatasetTarget
    {
        private volatile bool _armed;
        private volatile bool _killed;
        private int _manifests;

        public int Manifests => Volatile.Read(ref _manifests);
        public bool Killed => _killed;
        private readonly System.Collections.Concurrent.ConcurrentBag<string> _orphans = [];

        /// <summary>Shards written once the kill was armed: their manifests always fail.</summary>
        public IReadOnlyCollection<string> Orphans => _orphans;

        public void KillAtNextManifest() => _armed = true;

        public Task<DatasetManifest?> ReadManifestAsync(string jobId, int partition, CancellationToken cancellationToken) =>
            _killed ? throw new IOException("killed") : inner.ReadManifestAsync(jobId, partition, cancellationToken);

        public async Task WriteShardAsync(string jobId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        {
            if (_killed)
            {
                throw new IOException("killed");
            }

            await inner.WriteShardAsync(jobId, path, content, cancellationToken);
            if (_armed)
            {
                _orphans.Add(path);
            }
        }

        public Task<Stream> OpenShardAsync(string jobId, string path, CancellationToken cancellationToken) =>
            _killed ? throw new IOException("killed") : inner.OpenShardAsync(jobId, path, cancellationToken);

        public async Task ReplaceManifestAsync(string jobId, DatasetManifest manifest, CancellationToken cancellationToken)
        {
            if (_armed)
            {
                _killed = true;
            }

            if (_killed)
            {
                throw new IOException("killed before the manifest");
            }

            await inner.ReplaceManifestAsync(jobId, manifest, cancellationToken);
            Interlocked.Increment(ref _manifests);
        }
    }
}
