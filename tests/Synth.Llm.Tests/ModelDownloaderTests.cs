using System.Security.Cryptography;
using Synth.Llm.Models;

namespace Synth.Llm.Tests;

/// <summary>The local model's download, from a real HTTP server serving a random-weight GGUF the test writes.</summary>
public sealed class ModelDownloaderTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-models-").FullName;
    private byte[] _gguf = [];
    private ModelFileServer _server = null!;

    public async Task InitializeAsync()
    {
        var path = Path.Combine(_directory, "source.gguf");
        TinyLlamaGguf.Write(path);
        _gguf = await File.ReadAllBytesAsync(path);
        File.Delete(path);
        _server = await ModelFileServer.StartAsync(_gguf);
    }

    private string Sha256 => Convert.ToHexStringLower(SHA256.HashData(_gguf));

    private ModelCatalogEntry Entry(string? sha256 = null, long? size = null, Uri? url = null) =>
        new("tiny", "a random-weight test model", "tiny.gguf", url ?? _server.Url, Revision: null, size ?? _gguf.Length, sha256);

    private ModelCache Cache => new(Path.Combine(_directory, "cache"));

    [Fact]
    public async Task A_download_reports_its_progress_and_lands_in_the_cache_checked()
    {
        var reports = new List<ModelDownloadProgress>();
        var progress = new SynchronousProgress<ModelDownloadProgress>(reports.Add);

        var path = await new ModelDownloader(Cache).PullAsync(Entry(Sha256), progress);

        Assert.Equal(Cache.PathOf(Entry()), path);
        Assert.Equal(_gguf, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(path + ".partial"));
        Assert.True(reports.Count >= 2, $"{reports.Count} progress reports");
        Assert.Equal(0, reports[0].BytesReceived);
        Assert.Equal(new ModelDownloadProgress(_gguf.Length, _gguf.Length), reports[^1]);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.BytesReceived <= p.Second.BytesReceived));
    }

    [Fact]
    public async Task An_interrupted_download_resumes_with_a_range_request()
    {
        var half = _gguf.Length / 2;
        _server.DropAfterBytes = half;
        var downloader = new ModelDownloader(Cache);

        var interrupted = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.PullAsync(Entry(Sha256)));
        Assert.Contains("run it again to resume", interrupted.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Cache.PathOf(Entry())));
        var kept = new FileInfo(Cache.PathOf(Entry()) + ".partial").Length;
        Assert.InRange(kept, 1, _gguf.Length - 1);

        var path = await downloader.PullAsync(Entry(Sha256));

        Assert.Equal(["", $"bytes={kept}-"], _server.Ranges);
        Assert.Equal(_gguf, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_wrong_checksum_is_refused_and_leaves_no_file()
    {
        var wrong = new string('0', 64);

        var refused = await Assert.ThrowsAsync<ModelDownloadException>(() => new ModelDownloader(Cache).PullAsync(Entry(wrong)));

        Assert.Contains("refused", refused.Message, StringComparison.Ordinal);
        Assert.Contains(Sha256, refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Cache.Directory));
    }

    [Fact]
    public async Task A_wrong_size_is_refused_before_the_download()
    {
        var refused = await Assert.ThrowsAsync<ModelDownloadException>(() => new ModelDownloader(Cache).PullAsync(Entry(size: _gguf.Length + 1)));

        Assert.Contains("pins", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Cache.Directory));
    }

    [Fact]
    public async Task Without_a_published_hash_the_first_download_is_trusted_and_later_ones_must_match_it()
    {
        var downloader = new ModelDownloader(Cache);
        var path = await downloader.PullAsync(Entry());
        var record = await File.ReadAllTextAsync(path + ".sha256.json");
        Assert.Contains(Sha256, record, StringComparison.Ordinal);
        Assert.Contains(_server.Revision, record, StringComparison.Ordinal);

        // The file is deleted and the server now serves other bytes of the same size: refused.
        File.Delete(path);
        await using var changed = await ModelFileServer.StartAsync([.. _gguf.Select(b => (byte)~b)]);
        var refused = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.PullAsync(Entry(url: changed.Url)));

        Assert.Contains(Sha256, refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_cached_model_is_used_without_the_network()
    {
        await new ModelDownloader(Cache).PullAsync(Entry(Sha256));
        // Port 9 (discard) on loopback: nothing listens, every connection is refused.
        var unreachable = Entry(Sha256, url: new Uri("http://127.0.0.1:9/models/tiny.gguf"));

        var path = await new ModelDownloader(Cache).PullAsync(unreachable);

        Assert.Equal(_gguf, await File.ReadAllBytesAsync(path));
        var offline = await Assert.ThrowsAsync<ModelDownloadException>(
            () => new ModelDownloader(new ModelCache(Path.Combine(_directory, "empty"))).PullAsync(unreachable));
        Assert.Contains("cannot reach 127.0.0.1", offline.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_built_in_catalog_names_a_small_gguf_by_url_and_size()
    {
        var model = ModelCatalog.BuiltIn.Default;

        Assert.EndsWith(".gguf", model.FileName, StringComparison.Ordinal);
        Assert.Equal("https", model.Url.Scheme);
        Assert.InRange(model.SizeBytes!.Value, 1, 1_000_000_000);
        Assert.Same(model, ModelCatalog.BuiltIn.Find(model.Name));
        Assert.Throws<LlmConfigurationException>(() => ModelCatalog.BuiltIn.Find("no-such-model"));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
