using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Synth.Contracts.Messaging;
using Synth.Messaging;

namespace Synth.Pipeline;

/// <summary>Where the evaluator sends a job's coverage and novelty (<see cref="FeedbackMessage"/>) for the generator.</summary>
public interface IFeedbackPublisher
{
    Task PublishAsync(FeedbackMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// Feedback as the generator side receives it on one machine. Each subscriber first gets the latest message of every
/// (job, evaluator instance) already published, then every new one. Messages are cumulative per instance, so fold
/// them with <see cref="FeedbackTotals"/>; a slow subscriber drops its oldest unread messages, never the newest.
/// </summary>
public interface IFeedbackSource
{
    IAsyncEnumerable<FeedbackMessage> SubscribeAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Publishes feedback on <see cref="Topics.Feedback"/> keyed by job id (so one job's messages stay in order on one
/// partition), as JSON in the shape of <see cref="SampleJson.Options"/>. With the Kafka publisher of a stage service
/// this is the feedback topic on Kafka.
/// </summary>
public sealed class TopicFeedbackPublisher(IMessagePublisher publisher) : IFeedbackPublisher
{
    public const string EventType = "synth.feedback";

    public Task PublishAsync(FeedbackMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = JsonSerializer.SerializeToUtf8Bytes(message, SampleJson.Options);
        MessageHeader[] headers =
        [
            MessageHeader.Utf8(EnvelopeHeaders.Type, EventType),
            MessageHeader.Utf8(EnvelopeHeaders.Source, $"/synth/evaluator/{message.Instance}"),
            MessageHeader.Utf8(EnvelopeHeaders.ContentType, EnvelopeHeaders.JsonContentType),
            MessageHeader.Utf8(EnvelopeHeaders.JobId, message.JobId),
        ];
        return publisher.PublishAsync(new OutboundMessage(Topics.Feedback, message.JobId, body, headers), cancellationToken);
    }

    /// <summary>Reads a message consumed from the feedback topic.</summary>
    /// <exception cref="JsonException">The body is not a feedback message.</exception>
    public static FeedbackMessage Read(ReadOnlySpan<byte> body) =>
        JsonSerializer.Deserialize<FeedbackMessage>(body, SampleJson.Options)
        ?? throw new JsonException("The message body is JSON null, not a feedback message.");
}

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

/// <summary>
/// A job's feedback summed over evaluator instances: keeps the latest message of each instance (they are cumulative)
/// and adds them up. Not thread-safe: fold one subscription's messages into it.
/// </summary>
public sealed class FeedbackTotals
{
    private readonly Dictionary<(string JobId, string Instance), FeedbackMessage> _latest = [];

    /// <summary>Keeps the message unless an instance's later one is already in.</summary>
    public void Apply(FeedbackMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var key = (message.JobId, message.Instance);
        if (!_latest.TryGetValue(key, out var current) || current.SamplesEvaluated <= message.SamplesEvaluated)
        {
            _latest[key] = message;
        }
    }

    public long SamplesEvaluated(string jobId) => ForJob(jobId).Sum(m => m.SamplesEvaluated);

    /// <summary>Dimension → value → evaluated samples that had it, over every instance.</summary>
    public Dictionary<string, Dictionary<string, long>> ConditionCounts(string jobId)
    {
        var totals = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var message in ForJob(jobId))
        {
            foreach (var (dimension, values) in message.ConditionCounts)
            {
                if (!totals.TryGetValue(dimension, out var counts))
                {
                    totals[dimension] = counts = new Dictionary<string, long>(StringComparer.Ordinal);
                }

                foreach (var (value, count) in values)
                {
                    counts[value] = counts.GetValueOrDefault(value) + count;
                }
            }
        }

        return totals;
    }

    /// <summary>Dimension → value → mean novelty over every instance, weighted by each instance's count of the value.</summary>
    public Dictionary<string, Dictionary<string, double>> ConditionNovelty(string jobId)
    {
        var sums = new Dictionary<(string, string), (double Sum, long Count)>();
        foreach (var message in ForJob(jobId))
        {
            foreach (var (dimension, values) in message.ConditionNovelty)
            {
                foreach (var (value, novelty) in values)
                {
                    var count = message.ConditionCounts.GetValueOrDefault(dimension)?.GetValueOrDefault(value) ?? 0;
                    var (sum, total) = sums.GetValueOrDefault((dimension, value));
                    sums[(dimension, value)] = (sum + (novelty * count), total + count);
                }
            }
        }

        var result = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var ((dimension, value), (sum, count)) in sums.Where(s => s.Value.Count > 0))
        {
            if (!result.TryGetValue(dimension, out var values))
            {
                result[dimension] = values = new Dictionary<string, double>(StringComparer.Ordinal);
            }

            values[value] = sum / count;
        }

        return result;
    }

    private IEnumerable<FeedbackMessage> ForJob(string jobId) => _latest.Where(l => l.Key.JobId == jobId).Select(l => l.Value);
}
