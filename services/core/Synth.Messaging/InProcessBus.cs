using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Synth.Messaging;

/// <summary>
/// The one-machine transport: a bounded channel per subscribed topic. A full channel makes publishers wait
/// (backpressure). Nothing here is durable: on one machine the store is the source of truth, and a restarted
/// run re-publishes every sample that had not finished its stage.
/// </summary>
public sealed class InProcessBus : IMessageTransport
{
    public const string SystemName = "in-process";

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Channel<InboundMessage>> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox<long>> _unfinished = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly Action<InboundMessage, Exception, int>? _onHandlerError;

    /// <param name="onHandlerError">Told of each failed attempt (message, error, attempt) before the retry.</param>
    public InProcessBus(int capacityPerTopic = 1024, Action<InboundMessage, Exception, int>? onHandlerError = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityPerTopic, 1);
        _capacity = capacityPerTopic;
        _onHandlerError = onHandlerError;
    }

    public bool KeepsMessagesAcrossRestarts => false;

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
            var unfinished = Unfinished(message.Topic);
            Interlocked.Increment(ref unfinished.Value);
            try
            {
                await channel.Writer.WriteAsync(inbound, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Interlocked.Decrement(ref unfinished.Value);
                throw;
            }
        }
    }

    /// <summary>Messages published to a topic whose handling has not finished yet (queued or in flight).</summary>
    public long UnfinishedCount(string topic) => Interlocked.Read(ref Unfinished(topic).Value);

    private StrongBox<long> Unfinished(string topic) => _unfinished.GetOrAdd(topic, _ => new StrongBox<long>());

    /// <summary>Consumes a topic with up to <see cref="ConsumeSettings.MaxInFlight"/> messages in parallel until cancelled, then returns.</summary>
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
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancellation is how a consumer is stopped; what is still queued is resumed from the store next run.
        }
        finally
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }

        async Task HandleOneAsync(InboundMessage message)
        {
            try
            {
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        using var activity = MessageTracing.StartProcess(message, SystemName, settings.GroupId);
                        await handler.HandleAsync(message, cancellationToken).ConfigureAwait(false);
                        break;
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        // Not done means not dropped: the message is tried again, as Kafka would redeliver it.
                        _onHandlerError?.Invoke(message, ex, attempt);
                        var delay = TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 50 * Math.Pow(2, Math.Min(attempt, 10))));
                        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutdown: the sample stays in its current state in the store and is resumed on the next run.
            }
            finally
            {
                Interlocked.Decrement(ref Unfinished(message.Topic).Value);
                slots.Release();
            }
        }
    }
}
