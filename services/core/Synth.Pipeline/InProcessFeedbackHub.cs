using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Synth.Contracts.Messaging;
using Synth.Messaging;

namespace Synth.Pipeline;

/// <summary>The one-machine feedback path: the evaluator publishes into it, the generator side subscribes to it.</summary>
public sealed class InProcessFeedbackHub : IFeedbackPublisher, IFeedbackSource
{
    private const int SubscriberCapacity = 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string JobId, string Instance), FeedbackMessage> _latest = [];
    private readonly List<Channel<FeedbackMessage>> _subscribers = [];

    public Task PublishAsync(FeedbackMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_lock)
        {
            _latest[(message.JobId, message.Instance)] = message;
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(message);
            }
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<FeedbackMessage> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<FeedbackMessage>(new BoundedChannelOptions(SubscriberCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_lock)
        {
            foreach (var message in _latest.Values)
            {
                channel.Writer.TryWrite(message);
            }

            _subscribers.Add(channel);
        }

        try
        {
            await foreach (var message in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return message;
            }
        }
        finally
        {
            lock (_lock)
            {
                _subscribers.Remove(channel);
            }
        }
    }
}
