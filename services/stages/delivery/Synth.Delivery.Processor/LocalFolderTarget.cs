using System.Text.Json;
using Synth.Delivery;

namespace Synth.Delivery.Processor;

/// <summary>
/// A local folder target: <c>{folder}/{job}/data/{split}-{index:D5}.parquet</c> and <c>{folder}/{job}/manifest.json</c>.
/// Every file is written to a temporary name beside it, flushed to disk, and renamed over the final name.
/// </summary>
public sealed class LocalFolderTarget(string folder) : IDatasetTarget
{
    public async Task<DatasetManifest?> ReadManifestAsync(string jobId, CancellationToken cancellationToken)
    {
        var path = Path.Combine(JobFolder(jobId), DatasetManifest.FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<DatasetManifest>(stream, ManifestJson.Options, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"{path} is JSON null.");
    }

    public Task WriteShardAsync(string jobId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(Path.Combine(JobFolder(jobId), path), content, cancellationToken);

    public Task<Stream> OpenShardAsync(string jobId, string path, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(File.OpenRead(Path.Combine(JobFolder(jobId), path)));

    public Task ReplaceManifestAsync(string jobId, DatasetManifest manifest, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(Path.Combine(JobFolder(jobId), DatasetManifest.FileName),
            JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJson.Options), cancellationToken);

    private string JobFolder(string jobId) => Path.Combine(folder, jobId);

    private static async Task WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // A dot-name, so a reader listing the folder (or Hugging Face's pattern matching) never takes it for data.
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                // On disk before the rename, so a power cut cannot leave a renamed but empty file.
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
