using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Synth.Delivery;

namespace Synth.Delivery.Processor;

/// <summary>
/// An Azure Blob Storage target: blobs <c>{job}/data/{split}-p{partition}-{index:D5}-{writer}.parquet</c> and
/// <c>{job}/manifest-p{partition}.json</c> in one container, the same layout as <see cref="LocalFolderTarget"/>. A blob
/// upload is atomic per blob (a reader gets the old content or the new, never a part), and the sink uploads a seal's
/// shards before the manifest that names them. A manifest is replaced with a conditional upload on the ETag of the
/// one it was checked against, so the check and the replacement are one atomic step.
/// </summary>
public sealed class AzureBlobTarget(BlobContainerClient container) : IDatasetTarget
{
    private readonly Lazy<Task> _created = new(() => container.CreateIfNotExistsAsync());

    public async Task<DatasetManifest?> ReadManifestAsync(string jobId, int partition, CancellationToken cancellationToken) =>
        (await ReadAsync(jobId, partition, cancellationToken).ConfigureAwait(false)).Manifest;

    public Task WriteShardAsync(string jobId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        UploadAsync(jobId, path, BinaryData.FromBytes(content), cancellationToken);

    public async Task<Stream> OpenShardAsync(string jobId, string path, CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        // Whole, so the Parquet reader can seek; a shard is a few MB.
        var content = await Blob(jobId, path).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return content.Value.Content.ToStream();
    }

    public async Task ReplaceManifestAsync(string jobId, DatasetManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var (stored, etag) = await ReadAsync(jobId, manifest.Partition, cancellationToken).ConfigureAwait(false);
        var name = $"{jobId}/{DatasetManifest.FileName(manifest.Partition)}";
        if ((stored?.Sequence ?? 0) != manifest.Sequence - 1)
        {
            throw new ManifestConflictException($"{name} is at sequence {stored?.Sequence ?? 0}; the replacement was built on {manifest.Sequence - 1}.");
        }

        // Only over the blob just checked (or, if there was none, only if there still is none).
        var conditions = etag is { } match ? new BlobRequestConditions { IfMatch = match } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            await Blob(jobId, DatasetManifest.FileName(manifest.Partition))
                .UploadAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJson.Options)), new BlobUploadOptions { Conditions = conditions }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            throw new ManifestConflictException($"{name} was replaced by another writer while this one was checked.");
        }
    }

    private async Task<(DatasetManifest? Manifest, ETag? ETag)> ReadAsync(string jobId, int partition, CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        var name = DatasetManifest.FileName(partition);
        try
        {
            var content = await Blob(jobId, name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var manifest = JsonSerializer.Deserialize<DatasetManifest>(content.Value.Content.ToMemory().Span, ManifestJson.Options)
                ?? throw new InvalidDataException($"{jobId}/{name} in container {container.Name} is JSON null.");
            return (manifest, content.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (null, null);
        }
    }

    private async Task UploadAsync(string jobId, string path, BinaryData content, CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        await Blob(jobId, path).UploadAsync(content, overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    private BlobClient Blob(string jobId, string path) => container.GetBlobClient($"{jobId}/{path}");
}
