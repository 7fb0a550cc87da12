namespace Synth.Messaging;

/// <summary>An offset that may be stored: the next offset to consume from the partition, as Kafka expects.</summary>
public readonly record struct StorableOffset(string Topic, int Partition, long NextOffset);
