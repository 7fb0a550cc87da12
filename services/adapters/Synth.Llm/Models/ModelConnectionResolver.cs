using System.Net.Http.Headers;
using Synth.Contracts.Jobs;

namespace Synth.Llm.Models;

/// <summary>
/// Decides what a <c>provider: auto</c> connection uses: its OpenAI-compatible endpoint when one is configured and
/// answers a quick <c>GET {baseUrl}/models</c> (any HTTP status counts: some servers do not serve that path), otherwise
/// its modelPath, otherwise the catalog's default model from the per-user cache. Other providers are left as they are.
/// </summary>
/// <param name="http">Sends the probe; a client with <paramref name="probeTimeout"/> when null.</param>
/// <param name="readEnvironment">Reads the key variable sent with the probe.</param>
public sealed class ModelConnectionResolver(
    ModelCache? cache = null,
    ModelCatalog? catalog = null,
    HttpClient? http = null,
    Func<string, string?>? readEnvironment = null,
    TimeSpan? probeTimeout = null)
{
    private static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(3);

    private readonly ModelCache _cache = cache ?? new ModelCache();
    private readonly ModelCatalog _catalog = catalog ?? ModelCatalog.BuiltIn;
    private readonly HttpClient _http = http ?? new HttpClient { Timeout = probeTimeout ?? DefaultProbeTimeout };
    private readonly Func<string, string?> _readEnvironment = readEnvironment ?? Environment.GetEnvironmentVariable;

    public ModelCache Cache => _cache;

    public async Task<ResolvedModelConnection> ResolveAsync(ModelConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.Provider != LlmProvider.Auto)
        {
            return new ResolvedModelConnection(connection, $"{connection.Provider} ({connection.Model ?? connection.Deployment ?? connection.ModelPath})", null);
        }

        string why;
        if (connection.BaseUrl is { } baseUrl && Uri.TryCreate(baseUrl, UriKind.Absolute, out var endpoint))
        {
            // Only host and port are shown: a user may have put a credential in the URL.
            var where = $"{endpoint.Host}:{endpoint.Port}";
            if (await AnswersAsync(endpoint, connection.ApiKeyEnv, cancellationToken).ConfigureAwait(false))
            {
                return new ResolvedModelConnection(connection with { Provider = LlmProvider.OpenAICompatible },
                    $"{connection.Model} at the endpoint {where}, which answered", null);
            }

            why = $"the endpoint {where} did not answer";
        }
        else
        {
            why = "no endpoint is configured";
        }

        var local = connection with { Provider = LlmProvider.LLamaSharp, BaseUrl = null, ApiKeyEnv = null, ApiKeyFile = null };
        if (connection.ModelPath is { } modelPath)
        {
            return new ResolvedModelConnection(local with { Model = Path.GetFileNameWithoutExtension(modelPath) },
                $"the local GGUF file {modelPath} ({why})", null);
        }

        var model = _catalog.Default;
        var cached = _cache.Find(model);
        return new ResolvedModelConnection(local with { Model = model.Name, ModelPath = _cache.PathOf(model) },
            $"the local model {model.Name}, in-process on the CPU ({why})", cached is null ? model : null);
    }

    private async Task<bool> AnswersAsync(Uri endpoint, string? keyVariable, CancellationToken cancellationToken)
    {
        using var probe = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint.ToString().TrimEnd('/') + "/models"));
        if (keyVariable is not null && _readEnvironment(keyVariable) is { Length: > 0 } key)
        {
            probe.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        try
        {
            using var response = await _http.SendAsync(probe, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The probe's own timeout: the endpoint is too slow to count as answering.
            return false;
        }
    }
}
