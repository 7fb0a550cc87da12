namespace Synth.Messaging;

/// <summary>Publishes to a topic; completes when the transport has durably accepted the message.</summary>
public interface IMessagePublisher
{
    Task PublishAsync(OutboundMessage message, CancellationToken cancellationToken);
}
