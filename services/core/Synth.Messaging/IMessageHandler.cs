namespace Synth.Messaging;

/// <summary>
/// Handles one consumed message. Returning means "done": the transport may then mark the message consumed.
/// Throwing means "not done": the transport must not mark it and redelivers it later.
/// </summary>
public interface IMessageHandler
{
    Task HandleAsync(InboundMessage message, CancellationToken cancellationToken);
}
