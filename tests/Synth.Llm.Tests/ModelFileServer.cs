using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Synth.Llm.Tests;

/// <summary>
/// A real HTTP server on 127.0.0.1 serving one model file at <see cref="Url"/>, honouring range requests like a
/// model hub does, and able to drop the connection part-way through a response.
/// </summary>
internal sealed class ModelFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly byte[] _content;

    private ModelFileServer(WebApplication app, byte[] content)
    {
        _app = app;
        _content = content;
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>The Range header of every request, in order (empty for a request without one).</summary>
    public ConcurrentQueue<string> Ranges { get; } = new();

    /// <summary>When set, the next response stops after this many bytes of the body and the connection is dropped.</summary>
    public int? DropAfterBytes { get; set; }

    /// <summary>Sent as X-Repo-Commit, as Hugging Face reports the commit a branch URL resolved to.</summary>
    public string Revision { get; set; } = "0123456789abcdef0123456789abcdef01234567";

    public static async Task<ModelFileServer> StartAsync(byte[] content)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new ModelFileServer(app, content);
        app.MapGet("/models/tiny.gguf", server.ServeAsync);
        await app.StartAsync();
        server.Url = new Uri(app.Urls.Single().TrimEnd('/') + "/models/tiny.gguf");
        return server;
    }

    private async Task ServeAsync(HttpContext context)
    {
        var range = context.Request.Headers.Range.ToString();
        Ranges.Enqueue(range);
        var start = 0;
        if (range.StartsWith("bytes=", StringComparison.Ordinal))
        {
            start = int.Parse(range["bytes=".Length..].TrimEnd('-'), CultureInfo.InvariantCulture);
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = $"bytes {start}-{_content.Length - 1}/{_content.Length}";
        }

        context.Response.Headers["X-Repo-Commit"] = Revision;
        context.Response.ContentLength = _content.Length - start;
        if (DropAfterBytes is { } drop)
        {
            DropAfterBytes = null;
            await context.Response.Body.WriteAsync(_content.AsMemory(start, drop));
            await context.Response.Body.FlushAsync();
            // Lets the client take in what was sent before the reset, as after a real connection loss mid-way.
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(_content.AsMemory(start));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
