using System.Diagnostics;
using System.Text;
using Synth.Contracts.Messaging;
using Synth.Messaging;

namespace Synth.Messaging.Tests;

public class InProcessBusTests
{
    private static OutboundMessage Message(string topic, string key) => new(topic, key, Encoding.UTF8.GetBytes(key), []);

    [Fact]
    public async Task Delivers_published_messages_to_the_consumer()
    {
        var bus = new InProcessBus();
        bus.Subscribe("t");
        var received = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var handler = new Handler(m =>
        {
            lock (received)
            {
                received.Add(m.Key!);
                if (received.Count == 3)
                {
                    cts.Cancel();
                }
            }

            return Task.CompletedTask;
        });

        foreach (var key in new[] { "a", "b", "c" })
        {
            await bus.PublishAsync(Message("t", key), CancellationToken.None);
        }

        await bus.ConsumeAsync(new ConsumeSettings { Topic = "t", GroupId = "g", MaxInFlight = 1 }, handler, cts.Token)
            .ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.Equal(["a", "b", "c"], received);
    }

    [Fact]
    public async Task Messages_to_a_topic_nobody_subscribed_are_dropped()
    {
        var bus = new InProcessBus(capacityPerTopic: 1);

        await bus.PublishAsync(Message("nobody", "a"), CancellationToken.None);
        await bus.PublishAsync(Message("nobody", "b"), CancellationToken.None);

        Assert.Equal(0, bus.Subscribe("nobody").Count);
    }

    [Fact]
    public async Task A_full_channel_makes_the_publisher_wait()
    {
        var bus = new InProcessBus(capacityPerTopic: 2);
        bus.Subscribe("t");
        await bus.PublishAsync(Message("t", "1"), CancellationToken.None);
        await bus.PublishAsync(Message("t", "2"), CancellationToken.None);

        var third = bus.PublishAsync(Message("t", "3"), CancellationToken.None);
        await Task.Delay(100);
        Assert.False(third.IsCompleted);
        Assert.Equal(2, bus.Subscribe("t").Count);

        Assert.True(bus.Subscribe("t").TryRead(out _));
        await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, bus.Subscribe("t").Count);
    }

    [Fact]
    public async Task A_failing_message_is_retried_not_dropped()
    {
        var bus = new InProcessBus();
        bus.Subscribe("t");
        var attempts = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var handler = new Handler(_ =>
        {
            if (Interlocked.Increment(ref attempts) < 3)
            {
                throw new InvalidOperationException("transient");
            }

            cts.Cancel();
            return Task.CompletedTask;
        });
        await bus.PublishAsync(Message("t", "a"), CancellationToken.None);

        await bus.ConsumeAsync(new ConsumeSettings { Topic = "t", GroupId = "g" }, handler, cts.Token)
            .ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Consumer_runs_at_most_max_in_flight_handlers()
    {
        var bus = new InProcessBus();
        bus.Subscribe("t");
        var running = 0;
        var peak = 0;
        var done = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var handler = new Handler(async _ =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(20);
            Interlocked.Decrement(ref running);
            if (Interlocked.Increment(ref done) == 20)
            {
                await cts.CancelAsync();
            }
        });
        for (var i = 0; i < 20; i++)
        {
            await bus.PublishAsync(Message("t", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), CancellationToken.None);
        }

        await bus.ConsumeAsync(new ConsumeSettings { Topic = "t", GroupId = "g", MaxInFlight = 3 }, handler, cts.Token)
            .ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.Equal(20, done);
        Assert.InRange(peak, 2, 3);
    }

    [Fact]
    public async Task Trace_context_flows_from_publisher_to_consumer_span()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MessageTracing.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (spans) { spans.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("test");
        var bus = new InProcessBus();
        bus.Subscribe("traced");
        InboundMessage? received = null;
        ActivityContext consumerSpan = default;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var handler = new Handler(m =>
        {
            received = m;
            consumerSpan = Activity.Current!.Context;
            cts.Cancel();
            return Task.CompletedTask;
        });

        ActivityTraceId traceId;
        using (var root = MessageTracing.Source.StartActivity("root"))
        {
            traceId = root!.TraceId;
            await bus.PublishAsync(Message("traced", "k"), CancellationToken.None);
        }

        await bus.ConsumeAsync(new ConsumeSettings { Topic = "traced", GroupId = "g" }, handler, cts.Token)
            .ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.NotNull(received);
        Assert.StartsWith($"00-{traceId}-", received.Header(EnvelopeHeaders.TraceParent), StringComparison.Ordinal);
        Assert.Equal(traceId, consumerSpan.TraceId);
        lock (spans)
        {
            var producer = Assert.Single(spans, s => s.Kind == ActivityKind.Producer && s.TraceId == traceId);
            var consumer = Assert.Single(spans, s => s.Kind == ActivityKind.Consumer && s.TraceId == traceId);
            Assert.Equal(producer.SpanId, consumer.ParentSpanId);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private sealed class Handler(Func<InboundMessage, Task> handle) : IMessageHandler
    {
        public Task HandleAsync(InboundMessage message, CancellationToken cancellationToken) => handle(message);
    }
}
