using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Synth.Messaging;

/// <summary>
/// The one-machine transport: a bounded channel per subscribed topic. A full channel makes publishers wait
/// (backpressure). Nothing here is durable: on one machine the store is the source of truth, and a restarted
/// run re-publishes every sample that had not finished its stage.
/// </summary>
public sealed class InProcessBus : IMessagePublisher
{
    public const string SystemName = "in-process";

    private readonly ConcurrentDictionary<string, Channel<InboundMessage>> _topics = new(StringComparer.Ordinal);
    private readonly int _capacity;

    public InProcessBus(int capacityPerTopic = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityPerTopic, 1);
        _capacity = capacityPerTopic;
    }

    /// <summary>Declares that a consumer will read this topic; messages to topics nobody reads are not kept.</summary>
    public ChannelReader<InboundMessage> Subscribe(string topic) =>
        _topics.GetOrAdd(topic, _ => Channel.CreateBounded<InboundMessage>(
            new BoundedChannelOptions(_capacity) { FullMode = BoundedChannelFullMode.Wait })).Reader;

    public async Task PublishAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var headers = message.Headers.ToList();
        using var activity = MessageTracing.StartPublish(message.Topic, message.Key, SystemName, headers);
        if (_topics.TryGetValue(message.Topic, out var channel))
        {
            var inbound = new InboundMessage(message.Topic, -1, -1, message.Key, message.Value, headers);
            await channel.Writer.WriteAsync(inbound, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Pending messages on a topic (for progress displays).</summary>
    public int Backlog(string topic) => _topics.TryGetValue(topic, out var channel) ? channel.Reader.Count : 0;

    /// <summary>Consumes a topic with up to <see cref="ConsumeSettings.MaxInFlight"/> messages in parallel until cancelled.</summary>
    public async Task ConsumeAsync(ConsumeSettings settings, IMessageHandler handler, CancellationToken cancellationToken)
    {
        var reader = Subscribe(settings.Topic);
        using var slots = new SemaphoreSlim(settings.MaxInFlight, settings.MaxInFlight);
        var running = new List<Task>();
        try
        {
            await foreach (var message in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                running.RemoveAll(t => t.IsCompleted);
                running.Add(HandleOneAsync(message));
            }
        }
        finally
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }

        async Task HandleOneAsync(InboundMessage message)
        {
            try
            {
                using var activity = MessageTracing.StartProcess(message, SystemName, settings.GroupId);
                await handler.HandleAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutdown: the sample stays in its current state in the store and is resumed on the next run.
            }
            finally
            {
                slots.Release();
            }
        }
    }
}
