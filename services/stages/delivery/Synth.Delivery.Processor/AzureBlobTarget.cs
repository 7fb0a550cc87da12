using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Synth.Delivery;

namespace Synth.Delivery.Processor;

/// <summary>
/// An Azure Blob Storage target: blobs <c>{job}/data/{split}-{index:D5}.parquet</c> and <c>{job}/manifest.json</c> in
/// one container, the same layout as <see cref="LocalFolderTarget"/>. A blob upload is atomic per blob (a reader gets
/// the old content or the new, never a part), and the sink uploads a seal's shards before the manifest that names them.
/// </summary>
public sealed class AzureBlobTarget(BlobContainerClient container) : IDatasetTarget
{
    private readonly Lazy<Task> _created = new(() => container.CreateIfNotExistsAsync());

    public async Task<DatasetManifest?> ReadManifestAsync(string jobId, CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        try
        {
            var content = await Blob(jobId, DatasetManifest.FileName).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize<DatasetManifest>(content.Value.Content.ToMemory().Span, ManifestJson.Options)
                ?? throw new InvalidDataException($"{jobId}/{DatasetManifest.FileName} in container {container.Name} is JSON null.");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public Task WriteShardAsync(string jobId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        UploadAsync(jobId, path, BinaryData.FromBytes(content), cancellationToken);

    public async Task<Stream> OpenShardAsync(string jobId, string path, CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        // Whole, so the Parquet reader can seek; a shard is a few MB.
        var content = await Blob(jobId, path).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return content.Value.Content.ToStream();
    }

    public Task ReplaceManifestAsync(string jobId, DatasetManifest manifest, CancellationToken cancellationToken) =>
        UploadAsync(jobId, DatasetManifest.FileName, BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJson.Options)), cancellationToken);

    private async Task UploadAsync(string jobId, string path, BinaryData content, CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        await Blob(jobId, path).UploadAsync(content, overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    private BlobClient Blob(string jobId, string path) => container.GetBlobClient($"{jobId}/{path}");
}
