using System.Buffers.Binary;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Delivery.Processor;
using Synth.Messaging;
using Synth.Messaging.Kafka;
using Synth.Pipeline;
using Synth.Testing;

namespace Synth.Delivery.Tests;

/// <summary>
/// The curated topic with a schema registry, through the local broker host: the publisher registers the documented
/// schema and frames its records, the sink reads the same records. The registry is <see cref="SchemaRegistryDouble"/>:
/// no real one can run on this machine.
/// </summary>
public sealed class SchemaRegistryRoundTripTests : IAsyncLifetime
{
    private const string Job = "registry-job";
    private const string Password = "s3cret-registry-pass";
    private const string Subject = Topics.Curated + "-value";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _secretVariable = $"SYNTH_TEST_REGISTRY_USERINFO_{Guid.NewGuid():N}";
    private CuratedTopicBroker _broker = null!;
    private SchemaRegistryDouble _registry = null!;

    private string Folder => _broker.Folder;

    public async Task InitializeAsync()
    {
        _broker = await CuratedTopicBroker.StartAsync("synth-registry-sink-");
        _registry = await SchemaRegistryDouble.StartAsync($"sink:{Password}");
        Environment.SetEnvironmentVariable(_secretVariable, _registry.UserInfo);
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(_secretVariable, null);
        await _registry.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task The_publisher_registers_the_schema_and_the_sink_reads_the_same_records()
    {
        var publisherLog = new CapturingLogger<KafkaPublisher>();
        var consumerLog = new CapturingLogger<KafkaConsumer>();
        using (var publisher = new KafkaPublisher(Options(registry: true), publisherLog))
        {
            for (var i = 0; i < 10; i++)
            {
                await publisher.PublishAsync(Records.Outbound(Records.Record(Job, i)), CancellationToken.None);
            }

            // A review rejected sample 0: its tombstone passes through the registry's format as a null value.
            var tombstone = CuratedRecords.Tombstone(SampleIds.For(Job, 0, 0), Job, 2, "/test", Records.Now);
            await publisher.PublishAsync(tombstone, CancellationToken.None);
        }

        var sink = new DatasetSink(new LocalFolderTarget(Folder), new ShardPolicy(MaxRows: 3, MaxBytes: 1_000_000, MaxAge: TimeSpan.FromHours(1)), TimeProvider.System, NullLogger<DatasetSink>.Instance);
        using var stop = new CancellationTokenSource();
        var consuming = new KafkaConsumer(Options(registry: true), consumerLog)
            .RunAsync(new ConsumeSettings { Topic = Topics.Curated, GroupId = "registry-sink", MaxInFlight = 32 }, sink, stop.Token);
        var expected = Enumerable.Range(1, 9).Select(i => SampleIds.For(Job, i, 0)).ToList();
        await UntilAsync(async () =>
        {
            await sink.SealDueAsync(everything: true, CancellationToken.None);
            return DuckDbDatasetReader.Read(Path.Combine(Folder, Job)).Select(r => r.Id).Order(StringComparer.Ordinal).SequenceEqual(expected);
        });
        await stop.CancelAsync();
        await consuming.WaitAsync(Timeout);

        var rows = DuckDbDatasetReader.Read(Path.Combine(Folder, Job));
        var texts = Enumerable.Range(1, 9).ToDictionary(i => SampleIds.For(Job, i, 0), i => Records.Record(Job, i).Content.Text);
        Assert.All(rows, row => Assert.Equal(texts[row.Id], row.Text));
        Assert.Single(_registry.Versions(Subject));
        Assert.Contains($"POST /subjects/{Subject}/versions", _registry.Requests);
        Assert.Contains(_registry.Requests, r => r.StartsWith("GET /schemas/ids/", StringComparison.Ordinal));

        // On the wire: the registry's framing (magic byte 0, the registered schema id), then the record's JSON.
        var raw = ReadRaw(11);
        Assert.Equal(10, raw.Count(v => v is not null));
        Assert.All(raw.OfType<byte[]>(), v =>
        {
            Assert.Equal(0, v[0]);
            Assert.Equal(_registry.Versions(Subject)[0], BinaryPrimitives.ReadInt32BigEndian(v.AsSpan(1, 4)));
            Assert.Equal(Job, CuratedRecord.Parse(v.AsSpan(5)).JobId);
        });

        Assert.DoesNotContain(publisherLog.Lines.Concat(consumerLog.Lines), line => line.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_consumer_configured_unlike_the_publisher_is_stopped_with_an_error_naming_the_option_and_takes_no_record()
    {
        using (var framed = new KafkaPublisher(Options(registry: true), NullLogger<KafkaPublisher>.Instance))
        {
            await framed.PublishAsync(Records.Outbound(Records.Record(Job, 1)), CancellationToken.None);
        }

        using (var plain = new KafkaPublisher(Options(registry: false), NullLogger<KafkaPublisher>.Instance))
        {
            await plain.PublishAsync(Records.Outbound(Records.Record(Job, 2)), CancellationToken.None);
        }

        var plainReader = await ConsumeAsync(registry: false);
        var registryReader = await ConsumeAsync(registry: true);

        // Each reads the message in its own format and refuses (retries, never skips) the other one.
        Assert.Equal([SampleIds.For(Job, 2, 0)], plainReader.Handled);
        Assert.Contains(plainReader.Log.Lines, l => l.Contains("schema registry's wire format", StringComparison.Ordinal) && l.Contains(SchemaRegistryOptions.UrlKey, StringComparison.Ordinal));
        Assert.Equal([SampleIds.For(Job, 1, 0)], registryReader.Handled);
        Assert.Contains(registryReader.Log.Lines, l => l.Contains("is plain JSON", StringComparison.Ordinal) && l.Contains(SchemaRegistryOptions.UrlKey, StringComparison.Ordinal));
        Assert.DoesNotContain(registryReader.Log.Lines, line => line.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_incompatible_schema_already_under_the_subject_makes_the_registry_refuse_and_nothing_is_published()
    {
        // The subject holds an earlier schema in which weight was a string: the documented one changes its type.
        using (var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = _registry.Url.ToString(), BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo, BasicAuthUserInfo = _registry.UserInfo }))
        {
            var earlier = CuratedRecord.JsonSchema.Replace("\"weight\": { \"type\": \"number\"", "\"weight\": { \"type\": \"string\"", StringComparison.Ordinal);
            Assert.NotEqual(CuratedRecord.JsonSchema, earlier);
            await client.RegisterSchemaAsync(Subject, new Schema(earlier, SchemaType.Json));
        }

        var log = new CapturingLogger<KafkaPublisher>();
        using (var publisher = new KafkaPublisher(Options(registry: true), log))
        {
            var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => publisher.PublishAsync(Records.Outbound(Records.Record(Job, 1)), CancellationToken.None));
            Assert.Contains("incompatible", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, refused.ToString(), StringComparison.Ordinal);
        }

        Assert.Single(_registry.Versions(Subject));
        Assert.Empty(ReadRaw(1, TimeSpan.FromSeconds(3)));
    }

    private IOptions<KafkaOptions> Options(bool registry)
    {
        var options = _broker.Options();
        if (registry)
        {
            options.SchemaRegistry = new SchemaRegistryOptions { Url = _registry.Url.ToString(), BasicAuthUserInfoEnv = _secretVariable };
        }

        return Microsoft.Extensions.Options.Options.Create(options);
    }

    /// <summary>Consumes the topic until its one readable record and a refusal of the other have been seen.</summary>
    private async Task<(List<string> Handled, CapturingLogger<KafkaConsumer> Log)> ConsumeAsync(bool registry)
    {
        var handled = new List<string>();
        var log = new CapturingLogger<KafkaConsumer>();
        using var stop = new CancellationTokenSource();
        var handler = new RecordingHandler(handled);
        var consuming = new KafkaConsumer(Options(registry), log)
            .RunAsync(new ConsumeSettings { Topic = Topics.Curated, GroupId = $"mismatch-{registry}", MaxInFlight = 4 }, handler, stop.Token);
        await UntilAsync(() => Task.FromResult(handler.Count >= 1 && log.Lines.Any(l => l.Contains(SchemaRegistryOptions.UrlKey, StringComparison.Ordinal))));
        // Long enough for a skipped message to have been handled, were it skipped instead of retried.
        await Task.Delay(500);
        await stop.CancelAsync();
        await consuming.WaitAsync(Timeout);
        lock (handled)
        {
            return ([.. handled], log);
        }
    }

    private List<byte[]?> ReadRaw(int count, TimeSpan? within = null)
    {
        using var consumer = new ConsumerBuilder<string, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = _broker.Bootstrap,
            GroupId = $"raw-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).Build();
        consumer.Subscribe(Topics.Curated);
        var values = new List<byte[]?>();
        var deadline = DateTime.UtcNow + (within ?? Timeout);
        while (values.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } message })
            {
                values.Add(message.Value);
            }
        }

        consumer.Close();
        return values;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out.");
            await Task.Delay(100);
        }
    }

    private sealed class RecordingHandler(List<string> handled) : IMessageHandler
    {
        public int Count
        {
            get
            {
                lock (handled)
                {
                    return handled.Count;
                }
            }
        }

        public Task HandleAsync(InboundMessage message, CancellationToken cancellationToken)
        {
            lock (handled)
            {
                handled.Add(CuratedRecord.Parse(message.Value).SampleId);
            }

            return Task.CompletedTask;
        }
    }
}
