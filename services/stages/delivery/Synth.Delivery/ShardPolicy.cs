namespace Synth.Delivery;

/// <summary>When an open shard is sealed: whichever limit it reaches first.</summary>
/// <param name="MaxRows">Rows in one shard.</param>
/// <param name="MaxBytes">The rows' estimated size (UTF-8 text plus 8 bytes per number), before Parquet compresses them.</param>
/// <param name="MaxAge">How long the oldest buffered row waits: bounds how stale the dataset is, and how long a record's offset stays uncommitted.</param>
public sealed record ShardPolicy(int MaxRows, long MaxBytes, TimeSpan MaxAge)
{
    public static readonly ShardPolicy Default = new(5_000, 64L * 1024 * 1024, TimeSpan.FromSeconds(30));
}
