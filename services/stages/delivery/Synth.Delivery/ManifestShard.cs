namespace Synth.Delivery;

/// <summary>A sealed shard: its path under the job's folder (<c>data/{split}-{index:D5}.parquet</c>), rows and checksum.</summary>
public sealed record ManifestShard(string Path, string Split, int Index, int Rows, long Bytes, string Sha256, DateTimeOffset SealedAt);
