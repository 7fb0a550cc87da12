namespace Synth.Delivery;

/// <summary>A shard as written to the target: its size in bytes and SHA-256 (lowercase hex).</summary>
public sealed record WrittenShard(string Path, long Bytes, string Sha256);
