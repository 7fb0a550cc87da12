using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Synth.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol (also under Azure OpenAI's
/// deployment path). Each request takes the next scripted reply, or <see cref="Default"/> when the script is empty,
/// and is recorded with its headers and JSON body.
/// </summary>
public sealed class ScriptedChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScriptedReply> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private ScriptedChatServer(WebApplication app) => _app = app;

    /// <summary>Base URL of the OpenAI-compatible API, as a job spec's baseUrl (ends in /v1).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Root URL, as an Azure OpenAI resource endpoint.</summary>
    public Uri Root { get; private set; } = null!;

    /// <summary>The reply when the script has run out.</summary>
    public ScriptedReply Default { get; set; } = ScriptedReply.Answer("ok");

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Picks the reply from the request's body before the script is consulted; returning null falls back to the script and <see cref="Default"/>.</summary>
    public Func<JsonObject, ScriptedReply?>? Responder { get; set; }

    /// <summary>
    /// The most requests the server works on at once, like a provider's concurrency limit: a request over it is
    /// answered at once with 429 and <c>Retry-After: 0</c>, and does not take a scripted reply. Unlimited when null.
    /// </summary>
    public int? MaxConcurrent { get; set; }

    /// <summary>Requests answered 429 because of <see cref="MaxConcurrent"/>.</summary>
    public int Rejected => _rejected;

    private int _inFlight;
    private int _rejected;

    /// <param name="port">0 for any free port; a fixed one where the client's address cannot be changed (a README command run as written).</param>
    public static async Task<ScriptedChatServer> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var server = new ScriptedChatServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        app.MapPost("/openai/deployments/{deployment}/chat/completions", server.HandleAsync);
        await app.StartAsync();
        var address = app.Urls.Single();
        server.Root = new Uri(address.TrimEnd('/') + "/");
        server.BaseUrl = new Uri(server.Root, "v1");
        return server;
    }

    /// <summary>Appends replies, consumed one per request in arrival order.</summary>
    public void Enqueue(params ScriptedReply[] replies)
    {
        foreach (var reply in replies)
            _script.Enqueue(reply);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var received = DateTimeOffset.UtcNow;
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var body = JsonNode.Parse(text)!.AsObject();
        _requests.Enqueue(new RecordedRequest(received, context.Request.Path + context.Request.QueryString, headers, body));

        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            if (inFlight > MaxConcurrent)
            {
                Interlocked.Increment(ref _rejected);
                await OverCapacity.WriteAsync(context, body);
                return;
            }

            var reply = Responder?.Invoke(body) ?? (_script.TryDequeue(out var next) ? next : Default);
            await Task.Delay(reply.Latency, context.RequestAborted);
            await reply.WriteAsync(context, body);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (its timeout): nothing left to answer.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static readonly ScriptedReply OverCapacity = ScriptedReply.TooManyRequests("0");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A request as the server saw it.</summary>
public sealed record RecordedRequest(DateTimeOffset ReceivedAt, string Path, IReadOnlyDictionary<string, string> Headers, JsonObject Body);

/// <summary>What the server does with one request.</summary>
public sealed class ScriptedReply
{
    private readonly Func<HttpContext, JsonObject, Task> _write;

    private ScriptedReply(Func<HttpContext, JsonObject, Task> write) => _write = write;

    /// <summary>Delay before the reply is written.</summary>
    public TimeSpan Latency { get; init; }

    internal Task WriteAsync(HttpContext context, JsonObject request) => _write(context, request);

    /// <summary>The same reply, written after <paramref name="latency"/>.</summary>
    public ScriptedReply WithLatency(TimeSpan latency) => new(_write) { Latency = latency };

    /// <summary>A normal completion with a usage block.</summary>
    public static ScriptedReply Answer(string content, string finishReason = "stop", int promptTokens = 11, int completionTokens = 7) =>
        new((context, request) => Json(context, 200, Completion(request, content, refusal: null, finishReason, promptTokens, completionTokens)));

    /// <summary>A normal completion whose content is computed from the request body (a judge that reads its prompt).</summary>
    public static ScriptedReply AnswerFrom(Func<JsonObject, string> content) =>
        new((context, request) => Json(context, 200, Completion(request, content(request), refusal: null, "stop", 11, 7)));

    /// <summary>A structured-output refusal: <c>message.refusal</c> set, no content.</summary>
    public static ScriptedReply Refusal(string refusal) =>
        new((context, request) => Json(context, 200, Completion(request, content: null, refusal, "stop", 11, 0)));

    /// <summary>429 with a Retry-After header (seconds or an HTTP date, as given).</summary>
    public static ScriptedReply TooManyRequests(string? retryAfter) =>
        Status(429, "Rate limit reached", retryAfter);

    /// <summary>429 whose Retry-After is the given instant as an HTTP date (whole seconds).</summary>
    public static ScriptedReply TooManyRequestsUntil(DateTimeOffset until) =>
        TooManyRequests(until.ToString("r", CultureInfo.InvariantCulture));

    /// <summary>An error status with an OpenAI-style error body and, optionally, Retry-After and retry-after-ms headers.</summary>
    public static ScriptedReply Status(int status, string message = "error", string? retryAfter = null, string? retryAfterMs = null) =>
        new((context, _) =>
        {
            if (retryAfter is not null)
                context.Response.Headers.RetryAfter = retryAfter;
            if (retryAfterMs is not null)
                context.Response.Headers["retry-after-ms"] = retryAfterMs;
            return Json(context, status, ErrorBody(message));
        });

    /// <summary>401 that echoes the presented key, as real providers partly do: the client must not pass it on.</summary>
    public static ScriptedReply UnauthorizedEchoingKey() =>
        new((context, _) =>
        {
            var presented = context.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal)
                + context.Request.Headers["api-key"].ToString();
            return Json(context, 401, ErrorBody($"Incorrect API key provided: {presented}."));
        });

    /// <summary>Never answers (until the client disconnects).</summary>
    public static ScriptedReply Hang() => new(_ => Task.CompletedTask) { Latency = Timeout.InfiniteTimeSpan };

    /// <summary>200 with a body that is not JSON.</summary>
    public static ScriptedReply Malformed() =>
        new((context, _) => Raw(context, 200, "<html>upstream proxy error</html>"));

    /// <summary>200 with a completion JSON cut off half-way.</summary>
    public static ScriptedReply TruncatedJson() =>
        new((context, request) =>
        {
            var full = Completion(request, "this answer is cut", null, "stop", 11, 7).ToJsonString();
            return Raw(context, 200, full[..(full.Length / 2)]);
        });

    private ScriptedReply(Func<HttpContext, Task> write) : this((context, _) => write(context))
    {
    }

    private static JsonObject Completion(JsonObject request, string? content, string? refusal, string finishReason, int promptTokens, int completionTokens) =>
        new()
        {
            ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N"),
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = request["model"]?.GetValue<string>() ?? "scripted",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = refusal },
                ["finish_reason"] = finishReason,
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
        };

    private static JsonObject ErrorBody(string message) =>
        new() { ["error"] = new JsonObject { ["message"] = message, ["type"] = "scripted", ["code"] = null } };

    private static Task Json(HttpContext context, int status, JsonObject body) =>
        Raw(context, status, body.ToJsonString(), "application/json");

    private static Task Raw(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body, context.RequestAborted);
    }
}
