using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Synth.Cli;

/// <summary>
/// The Synth.Api calls of <c>synth submit|status|pause|resume|cancel</c>. Every failure becomes an
/// <see cref="ApiCallException"/> with a message fit for the terminal and the exit code to return; the key is sent
/// as X-Api-Key and never printed.
/// </summary>
public sealed class ApiClient(HttpClient http, Uri baseUrl) : IDisposable
{
    public const string UrlVariable = "SYNTH_API_URL";
    public const string KeyVariable = "SYNTH_API_KEY";
    public const string DefaultUrl = "http://localhost:8080";

    public Uri BaseUrl { get; } = baseUrl;

    /// <summary>From --api/--api-key, else SYNTH_API_URL/SYNTH_API_KEY, else the default URL (the key is required).</summary>
    public static ApiClient Create(string? url, string? key)
    {
        url ??= Environment.GetEnvironmentVariable(UrlVariable) ?? DefaultUrl;
        key ??= Environment.GetEnvironmentVariable(KeyVariable);
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            throw new ApiCallException($"--api '{url}' is not an http(s) URL.", ExitCodes.Failed);
        }

        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ApiCallException($"no API key: pass --api-key or set {KeyVariable}.", ExitCodes.Failed);
        }

        var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return new ApiClient(http, baseUrl);
    }

    public Task<JsonObject> SubmitAsync(string specText, string mediaType, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "jobs", new StringContent(specText, Encoding.UTF8, mediaType), cancellationToken);

    public Task<JsonObject> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<JsonObject> PostAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, null, cancellationToken);

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new ApiCallException($"cannot reach the API at {BaseUrl}: {ex.Message} (set --api or {UrlVariable}).", ExitCodes.Failed);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ApiCallException($"the API at {BaseUrl} did not answer within {http.Timeout.TotalSeconds:0} s.", ExitCodes.Failed);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var json = TryParse(body);
            if (response.IsSuccessStatusCode)
            {
                return json ?? throw new ApiCallException($"the API at {BaseUrl} answered {path} with something that is not JSON.", ExitCodes.Failed);
            }

            throw Failure(response.StatusCode, json);
        }
    }

    private ApiCallException Failure(HttpStatusCode status, JsonObject? problem)
    {
        var detail = problem?["detail"]?.GetValue<string>() ?? problem?["title"]?.GetValue<string>();
        return status switch
        {
            HttpStatusCode.Unauthorized => new ApiCallException($"the API at {BaseUrl} refused the key (401): check --api-key or {KeyVariable}.", ExitCodes.Failed),
            HttpStatusCode.NotFound => new ApiCallException($"not found (404): {detail ?? "no such resource"}", ExitCodes.NotFound),
            HttpStatusCode.Conflict => new ApiCallException($"not allowed now (409): {detail}", ExitCodes.Conflict),
            HttpStatusCode.BadRequest when problem?["errors"] is JsonArray errors => new ApiCallException(
                string.Join(Environment.NewLine, errors.Select(SpecError)), ExitCodes.InvalidSpec) { IsSpecError = true },
            HttpStatusCode.BadRequest => new ApiCallException($"bad request (400): {detail ?? problem?.ToJsonString()}", ExitCodes.Failed),
            _ => new ApiCallException($"the API answered {(int)status} {status}: {detail ?? "no detail"}", ExitCodes.Failed),
        };
    }

    /// <summary><c>{line}:{column}: {field}: {message}</c>; the caller puts the file name in front.</summary>
    private static string SpecError(JsonNode? error)
    {
        var line = error?["line"]?.GetValue<long>();
        var column = error?["column"]?.GetValue<long>();
        var field = error?["field"]?.GetValue<string>();
        var place = line is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{line}:{column ?? 1}: ");
        return $"{place}{(string.IsNullOrEmpty(field) ? "" : field + ": ")}{error?["message"]?.GetValue<string>()}";
    }

    private static JsonObject? TryParse(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public void Dispose() => http.Dispose();
}
