using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Synth.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 speaking the subset of the Confluent Schema Registry REST API that Confluent's
/// .NET client and JSON serdes use: register a schema under a subject (<c>POST /subjects/{subject}/versions</c>),
/// look one up (<c>POST /subjects/{subject}</c>), fetch one by id (<c>GET /schemas/ids/{id}</c>), a subject's versions.
/// No real registry can run on this machine (none is served by its package sources), so tests use this.
/// It enforces BACKWARD compatibility for JSON schemas in the two ways a field change breaks a reader of old
/// records: a property newly required, or a property's type changed. With <see cref="UserInfo"/>, every request
/// needs that basic auth.
/// </summary>
public sealed class SchemaRegistryDouble : IAsyncDisposable
{
    private const string ContentType = "application/vnd.schemaregistry.v1+json";

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly List<string> _schemas = [];
    private readonly Dictionary<string, List<int>> _subjects = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();

    private SchemaRegistryDouble(WebApplication app, string? userInfo)
    {
        _app = app;
        UserInfo = userInfo;
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>The "user:password" every request must carry as basic auth; none needed when null.</summary>
    public string? UserInfo { get; }

    /// <summary>"METHOD path" of every request, in arrival order (a refused one too).</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>The schema ids registered under a subject, oldest first.</summary>
    public IReadOnlyList<int> Versions(string subject)
    {
        lock (_gate)
        {
            return _subjects.TryGetValue(subject, out var ids) ? [.. ids] : [];
        }
    }

    public static async Task<SchemaRegistryDouble> StartAsync(string? userInfo = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var registry = new SchemaRegistryDouble(app, userInfo);
        app.Use(registry.AuthenticateAsync);
        app.MapPost("/subjects/{subject}/versions", registry.RegisterAsync);
        app.MapPost("/subjects/{subject}", registry.LookUpAsync);
        app.MapGet("/schemas/ids/{id:int}", registry.SchemaById);
        app.MapGet("/subjects/{subject}/versions", (string subject) => Json(new JsonArray([.. registry.Versions(subject).Select((_, i) => (JsonNode)(i + 1))])));
        await app.StartAsync();
        registry.Url = new Uri(app.Urls.Single());
        return registry;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AuthenticateAsync(HttpContext context, RequestDelegate next)
    {
        _requests.Enqueue($"{context.Request.Method} {context.Request.Path}");
        var expected = UserInfo is null ? null : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(UserInfo));
        if (expected is not null && context.Request.Headers.Authorization.ToString() != expected)
        {
            await Error(401, 401, "Unauthorized").ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private async Task<IResult> RegisterAsync(string subject, HttpRequest request)
    {
        var schema = await SchemaOf(request);
        lock (_gate)
        {
            var ids = _subjects.TryGetValue(subject, out var held) ? held : _subjects[subject] = [];
            var existing = ids.FirstOrDefault(id => _schemas[id - 1] == schema);
            if (existing > 0)
            {
                return Json(new JsonObject { ["id"] = existing });
            }

            if (ids.Count > 0 && Incompatibility(JsonNode.Parse(_schemas[ids[^1] - 1])!, JsonNode.Parse(schema)!) is { } reason)
            {
                return Error(409, 409, $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\": {reason}");
            }

            _schemas.Add(schema);
            ids.Add(_schemas.Count);
            return Json(new JsonObject { ["id"] = _schemas.Count });
        }
    }

    private async Task<IResult> LookUpAsync(string subject, HttpRequest request)
    {
        var schema = await SchemaOf(request);
        lock (_gate)
        {
            var ids = _subjects.GetValueOrDefault(subject) ?? [];
            var index = ids.FindIndex(id => _schemas[id - 1] == schema);
            return index < 0
                ? Error(404, 40403, "Schema not found")
                : Json(new JsonObject { ["subject"] = subject, ["id"] = ids[index], ["version"] = index + 1, ["schemaType"] = "JSON", ["schema"] = schema });
        }
    }

    private IResult SchemaById(int id)
    {
        lock (_gate)
        {
            return id < 1 || id > _schemas.Count
                ? Error(404, 40403, "Schema not found")
                : Json(new JsonObject { ["schemaType"] = "JSON", ["schema"] = _schemas[id - 1] });
        }
    }

    /// <summary>Why a reader of records written with <paramref name="earlier"/> could not read them with <paramref name="later"/>; null if it could.</summary>
    private static string? Incompatibility(JsonNode earlier, JsonNode later)
    {
        var required = (earlier["required"]?.AsArray() ?? []).Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        if ((later["required"]?.AsArray() ?? []).Select(r => r!.GetValue<string>()).FirstOrDefault(r => !required.Contains(r)) is { } added)
        {
            return $"property '{added}' is newly required";
        }

        foreach (var (name, property) in later["properties"]?.AsObject() ?? [])
        {
            if (earlier["properties"]?[name]?["type"]?.ToJsonString() is { } before
                && property?["type"]?.ToJsonString() is { } after && before != after)
            {
                return $"property '{name}' changed type from {before} to {after}";
            }
        }

        return null;
    }

    private static async Task<string> SchemaOf(HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body);
        return body?["schema"]?.GetValue<string>() ?? throw new BadHttpRequestException("The request has no schema.");
    }

    private static IResult Json(JsonNode body) => Results.Content(body.ToJsonString(), ContentType);

    private static IResult Error(int status, int code, string message) =>
        Results.Content(new JsonObject { ["error_code"] = code, ["message"] = message }.ToJsonString(), ContentType, Encoding.UTF8, status);
}
