using System.Text.Json;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Messaging;
using Synth.Messaging;

namespace Synth.Pipeline;

/// <summary>Hands each feedback message on <see cref="Topics.Feedback"/> to the generator, which may steer by it.</summary>
public sealed partial class FeedbackHandler(ISampleGenerator generator, ILogger<FeedbackHandler> logger) : IMessageHandler
{
    public async Task HandleAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        FeedbackMessage feedback;
        try
        {
            feedback = TopicFeedbackPublisher.Read(message.Value);
        }
        catch (JsonException e)
        {
            // Feedback only steers; a malformed message is logged and passed over rather than retried for ever.
            LogMalformed(logger, message.Topic, message.Partition, message.Offset, e.Message);
            return;
        }

        await generator.OnFeedbackAsync(feedback, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Malformed feedback message at {Topic}[{Partition}]@{Offset} skipped: {Problem}")]
    private static partial void LogMalformed(ILogger logger, string topic, int partition, long offset, string problem);
}
