using System.Text.Json;
using Synth.Delivery;

namespace Synth.Delivery.Processor;

/// <summary>
/// A local folder target: <c>{folder}/{job}/data/{split}-p{partition}-{index:D5}-{writer}.parquet</c> and
/// <c>{folder}/{job}/manifest-p{partition}.json</c>. Every file is written to a temporary name beside it, flushed to
/// disk, and renamed over the final name. A manifest is checked and replaced under an exclusive lock on a file beside
/// it, which sink processes sharing the folder (one machine, or a file share with locks) all take.
/// </summary>
public sealed class LocalFolderTarget(string folder) : IDatasetTarget
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LockRetryDelay = TimeSpan.FromMilliseconds(5);

    public Task<DatasetManifest?> ReadManifestAsync(string jobId, int partition, CancellationToken cancellationToken) =>
        ReadAsync(ManifestPath(jobId, partition), cancellationToken);

    public Task WriteShardAsync(string jobId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(Path.Combine(JobFolder(jobId), path), content, cancellationToken);

    public Task<Stream> OpenShardAsync(string jobId, string path, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(File.OpenRead(Path.Combine(JobFolder(jobId), path)));

    public async Task ReplaceManifestAsync(string jobId, DatasetManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var path = ManifestPath(jobId, manifest.Partition);
        Directory.CreateDirectory(JobFolder(jobId));
        await using var held = await LockAsync(Path.Combine(JobFolder(jobId), $".{Path.GetFileName(path)}.lock"), cancellationToken).ConfigureAwait(false);
        var stored = (await ReadAsync(path, cancellationToken).ConfigureAwait(false))?.Sequence ?? 0;
        if (stored != manifest.Sequence - 1)
        {
            throw new ManifestConflictException($"{path} is at sequence {stored}; the replacement was built on {manifest.Sequence - 1}.");
        }

        await WriteAtomicallyAsync(path, JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJson.Options), cancellationToken).ConfigureAwait(false);
    }

    private string JobFolder(string jobId) => Path.Combine(folder, jobId);

    private string ManifestPath(string jobId, int partition) => Path.Combine(JobFolder(jobId), DatasetManifest.FileName(partition));

    private static async Task<DatasetManifest?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<DatasetManifest>(stream, ManifestJson.Options, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"{path} is JSON null.");
    }

    /// <summary>Opens the lock file exclusively (on Unix .NET takes an advisory lock for <see cref="FileShare.None"/>), waiting while another writer holds it.</summary>
    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(LockRetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

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
