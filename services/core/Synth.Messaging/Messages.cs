namespace Synth.Messaging;

/// <summary>A message header; values are bytes as on Kafka (UTF-8 for every header Synth writes).</summary>
public readonly record struct MessageHeader(string Name, byte[] Value)
{
    public static MessageHeader Utf8(string name, string value) => new(name, System.Text.Encoding.UTF8.GetBytes(value));

    public string ValueAsString() => System.Text.Encoding.UTF8.GetString(Value);
}

public sealed record OutboundMessage(string Topic, string Key, byte[] Value, IReadOnlyList<MessageHeader> Headers);

/// <summary>A received message with its origin (partition and offset are -1 on the in-process bus).</summary>
public sealed record InboundMessage(
    string Topic,
    int Partition,
    long Offset,
    string? Key,
    byte[] Value,
    IReadOnlyList<MessageHeader> Headers)
{
    public string? Header(string name)
    {
        // The last value wins, as in Kafka's "last header" semantics.
        for (var i = Headers.Count - 1; i >= 0; i--)
        {
            if (Headers[i].Name == name)
            {
                return Headers[i].ValueAsString();
            }
        }

        return null;
    }
}

/// <summary>Publishes to a topic; completes when the transport has durably accepted the message.</summary>
public interface IMessagePublisher
{
    Task PublishAsync(OutboundMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// Handles one consumed message. Returning means "done": the transport may then mark the message consumed.
/// Throwing means "not done": the transport must not mark it and redelivers it later.
/// </summary>
public interface IMessageHandler
{
    Task HandleAsync(InboundMessage message, CancellationToken cancellationToken);
}

/// <summary>Consumption settings shared by the Kafka and in-process transports.</summary>
public sealed record ConsumeSettings
{
    public required string Topic { get; init; }
    /// <summary>Consumer group: one per stage, so instances of a stage share the partitions.</summary>
    public required string GroupId { get; init; }
    /// <summary>Messages processed concurrently; the consume loop waits (backpressure) when this many are in flight.</summary>
    public int MaxInFlight { get; init; } = 16;
}
