namespace Synth.Messaging;

/// <summary>Consumption settings shared by the Kafka and in-process transports.</summary>
public sealed record ConsumeSettings
{
    public required string Topic { get; init; }
    /// <summary>Consumer group: one per stage, so instances of a stage share the partitions.</summary>
    public required string GroupId { get; init; }
    /// <summary>Messages processed concurrently; the consume loop waits (backpressure) when this many are in flight.</summary>
    public int MaxInFlight { get; init; } = 16;
}
