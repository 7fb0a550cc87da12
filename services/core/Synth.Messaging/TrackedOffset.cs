namespace Synth.Messaging;

/// <summary>A consumed message being tracked: its partition, offset and the assignment generation it belongs to.</summary>
public readonly record struct TrackedOffset(string Topic, int Partition, long Offset, long Generation);
