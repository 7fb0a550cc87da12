namespace Synth.Messaging;

/// <summary>
/// A transport the pipeline runs over: Kafka in a deployment, the in-process bus on one machine. The pipeline
/// composition is written once against this, so every host runs the same stages the same way.
/// </summary>
public interface IMessageTransport : IMessagePublisher
{
    /// <summary>
    /// Whether a published message outlives this process (Kafka). When it does not (the in-process bus), messages
    /// between stages die with the process, and a restarted host must send the store's unfinished samples again.
    /// </summary>
    bool KeepsMessagesAcrossRestarts { get; }

    /// <summary>
    /// Consumes a topic until cancelled. Returns once the subscription is in place (a message published after that
    /// reaches this consumer); the task completes when consumption has stopped.
    /// </summary>
    Task ConsumeAsync(ConsumeSettings settings, IMessageHandler handler, CancellationToken cancellationToken);
}
