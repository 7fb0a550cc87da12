using Synth.Contracts.Jobs;

namespace Synth.Jobs;

/// <summary>
/// A model connection the operator defines in server configuration (<c>Connections:&lt;name&gt;</c>) and a spec names
/// with <c>connection: &lt;name&gt;</c>. Its endpoint and credential never come from the spec.
/// </summary>
public sealed class NamedConnection
{
    public LlmProvider Provider { get; set; } = LlmProvider.OpenAICompatible;

    /// <summary>Endpoint (OpenAI-compatible base URL, or the Azure OpenAI resource endpoint).</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Azure OpenAI deployment; by default the model's name.</summary>
    public string? Deployment { get; set; }

    /// <summary>Model names a spec may ask for; the first is used when a spec names none. Empty: any model.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>Environment variable holding this connection's key, read only when calling <see cref="BaseUrl"/>.</summary>
    public string? ApiKeyEnv { get; set; }

    /// <summary>
    /// File holding this connection's key (e.g. a mounted secret, /run/secrets/azure-key), read only when calling
    /// <see cref="BaseUrl"/>; instead of <see cref="ApiKeyEnv"/>.
    /// </summary>
    public string? ApiKeyFile { get; set; }

    /// <summary>GGUF file for the in-process provider.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Whether a spec may ask for this model on this connection.</summary>
    public bool Allows(string model) => Models.Count == 0 || Models.Contains(model, StringComparer.Ordinal);

    /// <summary>Makes the call run on this connection, with the model it asked for (or this connection's first).</summary>
    internal void ApplyTo(ModelCallSpec call)
    {
        var model = call.Model ?? Models.FirstOrDefault();
        call.Provider = Provider;
        call.Model = model;
        call.BaseUrl = BaseUrl;
        call.ApiKeyEnv = ApiKeyEnv;
        call.ApiKeyFile = ApiKeyFile;
        call.Deployment = Provider == LlmProvider.AzureOpenAI ? Deployment ?? model : null;
        call.ModelPath = ModelPath;
    }
}
