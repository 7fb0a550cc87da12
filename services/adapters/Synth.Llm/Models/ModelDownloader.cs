using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Synth.Llm.Models;

/// <summary>
/// Downloads a catalog model into the cache: into <c>FILE.partial</c>, resuming an interrupted download with an HTTP
/// range request, checked against the pinned size and SHA-256 (or, for a model without a published hash, the hash its
/// first download recorded), and renamed into place only when complete and checked. A refused file is deleted.
/// </summary>
/// <param name="http">Sends the requests; one with a short connect timeout and no overall timeout when null.</param>
public sealed class ModelDownloader(ModelCache cache, HttpClient? http = null)
{
    private const int BufferSize = 1 << 16;

    private readonly HttpClient _http = http ?? new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public ModelCache Cache => cache;

    /// <summary>The model's file in the cache, downloaded first when it is not there yet.</summary>
    /// <exception cref="ModelDownloadException">The download failed (run again to resume) or was refused.</exception>
    public async Task<string> PullAsync(ModelCatalogEntry model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (cache.Find(model) is { } cached)
        {
            return cached;
        }

        Directory.CreateDirectory(cache.Directory);
        var partial = cache.PartialPathOf(model);
        var revision = await DownloadAsync(model, partial, progress, cancellationToken).ConfigureAwait(false);
        var sha256 = await HashAsync(partial, cancellationToken).ConfigureAwait(false);
        var expected = model.Sha256 ?? cache.ReadRecord(model)?.Sha256;
        if (expected is not null && !string.Equals(sha256, expected, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(partial);
            throw new ModelDownloadException(
                $"the download of {model.Name} was refused: its SHA-256 is {sha256}, expected {expected}; the file was deleted.");
        }

        if (model.Sha256 is null && expected is null)
        {
            cache.WriteRecord(model, new ModelRecord(sha256, revision ?? model.Revision, model.Url, DateTimeOffset.UtcNow));
        }

        var path = cache.PathOf(model);
        File.Move(partial, path);
        return path;
    }

    /// <returns>The repository commit the server reported, if any.</returns>
    private async Task<string?> DownloadAsync(ModelCatalogEntry model, string partial, IProgress<ModelDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var existing = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, model.Url);
        if (existing > 0)
        {
            request.Headers.Range = new RangeHeaderValue(existing, null);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ModelDownloadException($"cannot reach {model.Url.Host} to download {model.Name}: {e.Message}", e);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && existing > 0)
            {
                // The partial file is already whole (or longer than the file): the checks decide.
                return Revision(response);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new ModelDownloadException($"the download of {model.Name} failed: {model.Url.Host} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            // A server that ignores the range sends the whole file again.
            var resumed = response.StatusCode == HttpStatusCode.PartialContent;
            var offset = resumed ? existing : 0;
            var total = response.Content.Headers.ContentLength is { } length ? offset + length : model.SizeBytes;
            if (model.SizeBytes is { } size && total is { } offered && offered != size)
            {
                File.Delete(partial);
                throw new ModelDownloadException(
                    $"the download of {model.Name} was refused: the server offers {offered.ToString(CultureInfo.InvariantCulture)} bytes, the catalog pins {size.ToString(CultureInfo.InvariantCulture)}.");
            }

            await using var file = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var received = offset;
            progress?.Report(new ModelDownloadProgress(received, total));
            var buffer = new byte[BufferSize];
            try
            {
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    received += read;
                    progress?.Report(new ModelDownloadProgress(received, total));
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new ModelDownloadException(
                    $"the download of {model.Name} was interrupted after {received.ToString(CultureInfo.InvariantCulture)} bytes; run it again to resume: {e.Message}", e);
            }

            if (total is { } expected && received != expected)
            {
                throw new ModelDownloadException(
                    $"the download of {model.Name} ended after {received.ToString(CultureInfo.InvariantCulture)} of {expected.ToString(CultureInfo.InvariantCulture)} bytes; run it again to resume.");
            }

            return Revision(response);
        }
    }

    private static string? Revision(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Repo-Commit", out var values) ? values.FirstOrDefault() : null;

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
    }
}
