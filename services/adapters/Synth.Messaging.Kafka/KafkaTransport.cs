namespace Synth.Messaging.Kafka;

/// <summary>Kafka as the pipeline's transport: the idempotent publisher and the at-least-once consume loop.</summary>
public sealed class KafkaTransport(KafkaPublisher publisher, KafkaConsumer consumer) : IMessageTransport
{
    public bool KeepsMessagesAcrossRestarts => true;

    public Task PublishAsync(OutboundMessage message, CancellationToken cancellationToken) => publisher.PublishAsync(message, cancellationToken);

    public Task ConsumeAsync(ConsumeSettings settings, IMessageHandler handler, CancellationToken cancellationToken) =>
        consumer.RunAsync(settings, handler, cancellationToken);
}
