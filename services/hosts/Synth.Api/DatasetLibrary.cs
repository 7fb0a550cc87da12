using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Synth.ControlPlane;

namespace Synth.Api;

/// <summary>
/// Uploaded datasets, under the job files root so a submitted spec can name them like any other file there:
/// <c>datasets/{name}/{sha256}.{format}</c>, with the upload's record beside it. A version is never overwritten, so a
/// job keeps reading the content it was submitted with; the latest upload of a name is the one listed first.
/// </summary>
public sealed partial class DatasetLibrary(IOptions<ControlPlaneOptions> options, TimeProvider time)
{
    public const string Folder = "datasets";

    /// <summary>The formats a dataset may have: those a spec's dataset reads.</summary>
    public static readonly IReadOnlyList<string> Formats = ["jsonl", "csv"];

    private const string RecordSuffix = ".upload.json";
    private static readonly JsonSerializerOptions RecordJson = new(JsonSerializerDefaults.Web);

    private string Root => Path.Combine(Path.GetFullPath(options.Value.JobFilesRoot), Folder);

    /// <summary>Lower-case letters, digits, '-', '_' and '.', starting with a letter or digit: one folder name, no path.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Stores <paramref name="content"/> as a version of <paramref name="name"/>; null when it is longer than <paramref name="maxBytes"/>.</summary>
    public async Task<DatasetVersion?> AddAsync(string name, string format, Stream content, long maxBytes, string uploadedBy, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        // Written under a name of its own first, so a half-written or over-size upload is never seen as a version.
        var partial = Path.Combine(folder, $".{Guid.NewGuid():N}.partial");
        try
        {
            long bytes;
            string sha256;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                bytes = 0;
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    bytes += read;
                    if (bytes > maxBytes)
                    {
                        return null;
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            var dataFile = Path.Combine(folder, $"{sha256}.{format}");
            var recordFile = Path.Combine(folder, sha256 + RecordSuffix);
            if (File.Exists(recordFile))
            {
                // The same content again: it is already a version, recorded with its first upload.
                return await ReadAsync(recordFile, cancellationToken);
            }

            File.Move(partial, dataFile, overwrite: true);
            var version = new DatasetVersion(name, sha256, bytes, format, $"{Folder}/{name}/{sha256}.{format}", uploadedBy, time.GetUtcNow());
            await File.WriteAllTextAsync(recordFile, JsonSerializer.Serialize(version, RecordJson), cancellationToken);
            return version;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>The latest version of every dataset, by name.</summary>
    public async Task<IReadOnlyList<DatasetVersion>> LatestAsync(CancellationToken cancellationToken)
    {
        var latest = new List<DatasetVersion>();
        foreach (var name in Directory.Exists(Root) ? Directory.EnumerateDirectories(Root).Select(Path.GetFileName).OfType<string>().Where(IsValidName) : [])
        {
            if ((await VersionsAsync(name, cancellationToken)).FirstOrDefault() is { } version)
            {
                latest.Add(version);
            }
        }

        return latest.OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every version of a dataset, latest first; empty when there is none.</summary>
    public async Task<IReadOnlyList<DatasetVersion>> VersionsAsync(string name, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Root, name);
        var versions = new List<DatasetVersion>();
        foreach (var recordFile in Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*" + RecordSuffix) : [])
        {
            versions.Add(await ReadAsync(recordFile, cancellationToken));
        }

        return versions.OrderByDescending(v => v.UploadedAt).ThenBy(v => v.Sha256, StringComparer.Ordinal).ToList();
    }

    private static async Task<DatasetVersion> ReadAsync(string recordFile, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(recordFile);
        return await JsonSerializer.DeserializeAsync<DatasetVersion>(stream, RecordJson, cancellationToken)
            ?? throw new InvalidDataException($"Empty dataset record {recordFile}.");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex NamePattern();
}
