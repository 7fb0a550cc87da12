using Synth.Delivery;

namespace Synth.Delivery.Processor;

/// <summary>
/// Where datasets are written, one folder per job in the Hugging Face <c>datasets</c> layout (paths relative to it,
/// e.g. <c>data/train-00000.parquet</c>). A shard and the manifest each appear whole or not at all.
/// </summary>
public interface IDatasetTarget
{
    /// <summary>The job's manifest, or null when nothing was committed yet.</summary>
    Task<DatasetManifest?> ReadManifestAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Writes a shard whole (an earlier, uncommitted file of the same path is replaced).</summary>
    Task WriteShardAsync(string jobId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    Task<Stream> OpenShardAsync(string jobId, string path, CancellationToken cancellationToken);

    /// <summary>Replaces the manifest atomically: a reader sees the old one or the new one, never a part.</summary>
    Task ReplaceManifestAsync(string jobId, DatasetManifest manifest, CancellationToken cancellationToken);
}
