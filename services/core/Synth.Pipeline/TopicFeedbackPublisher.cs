using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Synth.Contracts.Messaging;
using Synth.Messaging;

namespace Synth.Pipeline;

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
