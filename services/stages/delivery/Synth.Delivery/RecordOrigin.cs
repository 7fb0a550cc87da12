namespace Synth.Delivery;

/// <summary>Where a record was read: its topic, partition and offset (partition -1 on a transport without offsets).</summary>
public readonly record struct RecordOrigin(string Topic, int Partition, long Offset);
