using Synth.Delivery;

namespace Synth.Delivery.Processor;

/// <summary>
/// Where datasets are written, one folder per job in the Hugging Face <c>datasets</c> layout (paths relative to it,
/// e.g. <c>data/train-p0-00000-1a2b3c4d.parquet</c>), with one manifest per partition of the curated topic. A shard and
/// a manifest each appear whole or not at all.
/// </summary>
public interface IDatasetTarget
{
    /// <summary>The job's manifest of the partition, or null when nothing was committed from it yet.</summary>
    Task<DatasetManifest?> ReadManifestAsync(string jobId, int partition, CancellationToken cancellationToken);

    /// <summary>Writes a shard whole (an earlier, uncommitted file of the same path is replaced).</summary>
    Task WriteShardAsync(string jobId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    Task<Stream> OpenShardAsync(string jobId, string path, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the manifest of <see cref="DatasetManifest.Partition"/> atomically (a reader sees the old one or the
    /// new one, never a part), only if the stored one is its predecessor (<see cref="DatasetManifest.Sequence"/> one
    /// lower; none for sequence 1). Otherwise throws <see cref="ManifestConflictException"/> and writes nothing.
    /// </summary>
    Task ReplaceManifestAsync(string jobId, DatasetManifest manifest, CancellationToken cancellationToken);
}
