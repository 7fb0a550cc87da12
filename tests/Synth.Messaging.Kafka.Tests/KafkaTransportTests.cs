using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Synth.Contracts.Messaging;

namespace Synth.Messaging.Kafka.Tests;

[Collection(KafkaCollection.Name)]
public sealed class KafkaTransportTests(KafkaBrokerFixture kafka, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private KafkaPublisher Publisher() => new(kafka.Options(), new TestLogger<KafkaPublisher>(output, "producer"));

    private static OutboundMessage Message(string topic, string key, string body, params MessageHeader[] headers) =>
        new(topic, key, Encoding.UTF8.GetBytes(body), headers);

    [Fact]
    public async Task Each_keys_messages_are_handled_in_produce_order()
    {
        var topic = kafka.Topic("ordering");
        var handled = new ConcurrentDictionary<string, ConcurrentQueue<int>>();
        var count = 0;
        await using var consumer = RunningConsumer.Start(kafka, output, "consumer", new ConsumeSettings { Topic = topic, GroupId = kafka.GroupId("ordering"), MaxInFlight = 32 },
            new DelegateHandler(async (m, _) =>
            {
                // Jitter so concurrent handling would reorder a key's messages if the consumer let it.
                await Task.Delay(Random.Shared.Next(0, 3));
                handled.GetOrAdd(m.Key!, _ => new()).Enqueue(int.Parse(Encoding.UTF8.GetString(m.Value), CultureInfo.InvariantCulture));
                Interlocked.Increment(ref count);
            }));

        const int keys = 60;
        const int perKey = 15;
        using (var publisher = Publisher())
        {
            var sends = new List<Task>();
            for (var i = 0; i < perKey; i++)
            {
                for (var k = 0; k < keys; k++)
                {
                    // Not awaited one by one: the idempotent producer keeps a partition's order with many sends in flight.
                    sends.Add(publisher.PublishAsync(Message(topic, $"key-{k}", i.ToString(CultureInfo.InvariantCulture)), CancellationToken.None));
                }
            }

            await Task.WhenAll(sends);
        }

        await Wait.UntilAsync(() => Volatile.Read(ref count) >= keys * perKey, Timeout, "all messages");
        Assert.Equal(keys, handled.Count);
        Assert.All(handled.Values, sequence => Assert.Equal(Enumerable.Range(0, perKey), sequence));
    }

    [Fact]
    public async Task Two_consumers_of_a_group_share_the_partitions_and_get_each_message_once()
    {
        var topic = kafka.Topic("split");
        var group = kafka.GroupId("split");
        var seen = new ConcurrentDictionary<(int Partition, long Offset), string>();
        var duplicates = new ConcurrentBag<(int, long)>();
        var byConsumer = new ConcurrentDictionary<string, int>();
        IMessageHandler Handler(string name) => new DelegateHandler((m, _) =>
        {
            if (!seen.TryAdd((m.Partition, m.Offset), name))
            {
                duplicates.Add((m.Partition, m.Offset));
            }

            byConsumer.AddOrUpdate(name, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        });

        await using var first = RunningConsumer.Start(kafka, output, "first", new ConsumeSettings { Topic = topic, GroupId = group }, Handler("first"));
        await using var second = RunningConsumer.Start(kafka, output, "second", new ConsumeSettings { Topic = topic, GroupId = group }, Handler("second"));
        await Wait.UntilAsync(() => first.HasAssignment && second.HasAssignment, Timeout, "both consumers to get partitions");

        const int messages = 300;
        using (var publisher = Publisher())
        {
            await Task.WhenAll(Enumerable.Range(0, messages).Select(i =>
                publisher.PublishAsync(Message(topic, $"sample-{i}", "x"), CancellationToken.None)));
        }

        await Wait.UntilAsync(() => seen.Count >= messages, Timeout, "every message");
        await Task.Delay(300);
        Assert.Equal(messages, seen.Count);
        Assert.Empty(duplicates);
        Assert.True(byConsumer.GetValueOrDefault("first") > 0, "first consumer got no messages");
        Assert.True(byConsumer.GetValueOrDefault("second") > 0, "second consumer got no messages");
    }

    [Fact]
    public async Task A_failing_message_is_retried_and_after_a_restart_redelivered_but_finished_ones_before_it_are_not()
    {
        var topic = kafka.Topic("restart-failing");
        var group = kafka.GroupId("restart-failing");
        await PublishNumberedAsync(topic, 5);

        var attempts = 0;
        var finished = new ConcurrentBag<long>();
        await using (var consumer = RunningConsumer.Start(kafka, output, "first", new ConsumeSettings { Topic = topic, GroupId = group, MaxInFlight = 4 },
            new DelegateHandler((m, _) =>
            {
                if (m.Offset == 2)
                {
                    Interlocked.Increment(ref attempts);
                    throw new InvalidOperationException("cannot handle this one yet");
                }

                finished.Add(m.Offset);
                return Task.CompletedTask;
            })))
        {
            await Wait.UntilAsync(() => finished.Count == 4 && Volatile.Read(ref attempts) >= 3, Timeout, "retries of offset 2");
            await consumer.StopAsync();
        }

        var redelivered = await FirstOffsetsAfterRestartAsync(topic, group, 3);
        Assert.Equal([2L, 3L, 4L], redelivered);
    }

    [Fact]
    public async Task A_hanging_message_is_not_marked_consumed_when_the_consumer_stops()
    {
        var topic = kafka.Topic("restart-hanging");
        var group = kafka.GroupId("restart-hanging");
        await PublishNumberedAsync(topic, 5);

        var finished = new ConcurrentBag<long>();
        var hanging = 0;
        await using (var consumer = RunningConsumer.Start(kafka, output, "first", new ConsumeSettings { Topic = topic, GroupId = group, MaxInFlight = 4 },
            new DelegateHandler(async (m, token) =>
            {
                if (m.Offset == 1)
                {
                    Interlocked.Exchange(ref hanging, 1);
                    await Task.Delay(System.Threading.Timeout.Infinite, token);
                }

                finished.Add(m.Offset);
            }),
            o => o.ShutdownGracePeriod = TimeSpan.FromMilliseconds(500)))
        {
            await Wait.UntilAsync(() => finished.Count == 4 && Volatile.Read(ref hanging) == 1, Timeout, "all but offset 1");
            await consumer.StopAsync();
            Assert.Contains(consumer.Logger.Lines, l => l.Contains("Abandoned", StringComparison.Ordinal));
        }

        var redelivered = await FirstOffsetsAfterRestartAsync(topic, group, 4);
        Assert.Equal([1L, 2L, 3L, 4L], redelivered);
    }

    [Fact]
    public async Task A_poison_message_goes_to_the_dead_letter_topic_with_its_origin_and_the_error()
    {
        var topic = kafka.Topic("poison");
        var group = kafka.GroupId("poison");
        using var publisher = Publisher();
        await publisher.PublishAsync(Message(topic, "good-1", """{"n":1}"""), CancellationToken.None);
        await publisher.PublishAsync(Message(topic, "bad", "{not json", MessageHeader.Utf8(EnvelopeHeaders.Type, "synth.sample.generated.v1")), CancellationToken.None);
        await publisher.PublishAsync(Message(topic, "good-2", """{"n":2}"""), CancellationToken.None);

        var good = new ConcurrentBag<string>();
        InboundMessage? poison = null;
        string? poisonTraceId = null;
        await using (var consumer = RunningConsumer.Start(kafka, output, "stage", new ConsumeSettings { Topic = topic, GroupId = group },
            new DelegateHandler(async (m, token) =>
            {
                try
                {
                    using var _ = JsonDocument.Parse(m.Value);
                    good.Add(m.Key!);
                }
                catch (JsonException e)
                {
                    poison = m;
                    poisonTraceId = Activity.Current?.TraceId.ToString();
                    await publisher.PublishAsync(DeadLetters.Create(m, "test-stage", e.Message, poisonTraceId, DateTimeOffset.UtcNow), token);
                }
            })))
        {
            await Wait.UntilAsync(() => good.Count == 2 && poison is not null, Timeout, "all three messages");
        }

        var dlt = await ReadOneAsync(Topics.DeadLetter(topic));
        Assert.Equal("bad", dlt.Message.Key);
        Assert.Equal("{not json", Encoding.UTF8.GetString(dlt.Message.Value));
        string Header(string name) => Encoding.UTF8.GetString(dlt.Message.Headers.GetLastBytes(name));
        Assert.Equal("synth.sample.generated.v1", Header(EnvelopeHeaders.Type));
        Assert.Equal("test-stage", Header(EnvelopeHeaders.DeadLetterStage));
        Assert.Contains("invalid", Header(EnvelopeHeaders.DeadLetterError), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(topic, Header(EnvelopeHeaders.DeadLetterOriginTopic));
        Assert.Equal(poison!.Partition.ToString(CultureInfo.InvariantCulture), Header(EnvelopeHeaders.DeadLetterOriginPartition));
        Assert.Equal(poison.Offset.ToString(CultureInfo.InvariantCulture), Header(EnvelopeHeaders.DeadLetterOriginOffset));
        Assert.Equal(poisonTraceId ?? string.Empty, Header(EnvelopeHeaders.DeadLetterTraceId));
        Assert.True(DateTimeOffset.TryParse(Header(EnvelopeHeaders.DeadLetterAt), CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public async Task The_consumer_span_continues_the_trace_of_the_publishing_activity()
    {
        var topic = kafka.Topic("trace");
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is MessageTracing.ActivitySourceName or "Synth.Messaging.Kafka.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("Synth.Messaging.Kafka.Tests");

        ActivityTraceId traceId;
        using (var publisher = Publisher())
        using (var root = source.StartActivity("request"))
        {
            traceId = root!.TraceId;
            await publisher.PublishAsync(Message(topic, "traced", "x"), CancellationToken.None);
        }

        InboundMessage? received = null;
        Activity? consumerSpan = null;
        await using (RunningConsumer.Start(kafka, output, "consumer", new ConsumeSettings { Topic = topic, GroupId = kafka.GroupId("trace") },
            new DelegateHandler((m, _) =>
            {
                consumerSpan = Activity.Current;
                received = m;
                return Task.CompletedTask;
            })))
        {
            await Wait.UntilAsync(() => received is not null, Timeout, "the traced message");
        }

        Assert.StartsWith($"00-{traceId}-", received!.Header(EnvelopeHeaders.TraceParent), StringComparison.Ordinal);
        Assert.NotNull(consumerSpan);
        Assert.Equal(ActivityKind.Consumer, consumerSpan.Kind);
        Assert.Equal(traceId, consumerSpan.TraceId);
        var producerSpan = Assert.Single(stopped, a => a.Kind == ActivityKind.Producer && a.TraceId == traceId);
        Assert.Equal(producerSpan.SpanId, consumerSpan.ParentSpanId);
        Assert.Equal("kafka", consumerSpan.GetTagItem("messaging.system"));
    }

    private async Task PublishNumberedAsync(string topic, int count)
    {
        using var publisher = Publisher();
        for (var i = 0; i < count; i++)
        {
            await publisher.PublishAsync(Message(topic, $"sample-{i}", i.ToString(CultureInfo.InvariantCulture)), CancellationToken.None);
        }
    }

    /// <summary>Restarts the group and returns the offsets it is given first (in order), proving where it resumed.</summary>
    private async Task<List<long>> FirstOffsetsAfterRestartAsync(string topic, string group, int count)
    {
        var offsets = new ConcurrentQueue<long>();
        await using var consumer = RunningConsumer.Start(kafka, output, "restarted", new ConsumeSettings { Topic = topic, GroupId = group, MaxInFlight = 1 },
            new DelegateHandler((m, _) =>
            {
                offsets.Enqueue(m.Offset);
                return Task.CompletedTask;
            }));
        await Wait.UntilAsync(() => offsets.Count >= count, Timeout, "redelivered messages");
        await Task.Delay(200);
        return [.. offsets];
    }

    /// <summary>Reads a topic's first message with a plain Confluent consumer, independent of the code under test.</summary>
    private async Task<ConsumeResult<string, byte[]>> ReadOneAsync(string topic)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = kafka.GroupId("reader"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 3000,
            HeartbeatIntervalMs = 500,
            FetchWaitMaxMs = 10,
        };
        using var reader = new ConsumerBuilder<string, byte[]>(config).Build();
        reader.Subscribe(topic);
        var result = await Task.Run(() => reader.Consume(Timeout));
        reader.Close();
        return result ?? throw new TimeoutException($"Nothing on {topic}.");
    }
}
