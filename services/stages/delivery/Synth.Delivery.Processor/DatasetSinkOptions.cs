using System.ComponentModel.DataAnnotations;
using Synth.Delivery;

namespace Synth.Delivery.Processor;

/// <summary>The dataset sink's settings (section <c>DatasetSink</c>).</summary>
public sealed class DatasetSinkOptions
{
    public const string SectionName = "DatasetSink";

    /// <summary>The folder the datasets are written to: one <c>{job}/</c> folder per job.</summary>
    [Required]
    public string Folder { get; set; } = "";

    [Range(1, 10_000_000)]
    public int MaxRowsPerShard { get; set; } = ShardPolicy.Default.MaxRows;

    [Range(1024, long.MaxValue)]
    public long MaxBytesPerShard { get; set; } = ShardPolicy.Default.MaxBytes;

    /// <summary>Seconds the oldest buffered row waits before its shard is sealed anyway.</summary>
    [Range(0.01, 86_400)]
    public double MaxShardAgeSeconds { get; set; } = ShardPolicy.Default.MaxAge.TotalSeconds;

    /// <summary>
    /// Records held at once (the consumer's in-flight limit). A record is held until its shard is sealed, so this must
    /// be above <see cref="MaxRowsPerShard"/> for shards to fill up by rows; below it, shards are sealed by age.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxInFlight { get; set; } = 2 * ShardPolicy.Default.MaxRows;

    public ShardPolicy Policy => new(MaxRowsPerShard, MaxBytesPerShard, TimeSpan.FromSeconds(MaxShardAgeSeconds));
}
