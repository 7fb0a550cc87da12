namespace Synth.Contracts.Jobs;

/// <summary>
/// Everything needed to reach one model: who serves it, where, with which key variable, and how long and how often a
/// call on it may be tried. It holds no sampling settings (those belong to each use) and nothing of a job, so an
/// operator-defined named connection can resolve to one as it stands.
/// </summary>
public sealed record ModelConnection
{
    public LlmProvider Provider { get; init; } = LlmProvider.OpenAICompatible;

    /// <summary>Model name sent to the endpoint, recorded on samples and looked up in the price table.</summary>
    public string? Model { get; init; }

    /// <summary>Endpoint (OpenAI-compatible base URL, or the Azure OpenAI resource endpoint).</summary>
    public string? BaseUrl { get; init; }

    /// <summary>Name of the environment variable holding the API key; a connection never contains the key itself.</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>
    /// File holding the API key (e.g. a mounted secret), read when a client for this connection is made; the
    /// connection never contains the key itself. At most one of this and <see cref="ApiKeyEnv"/>.
    /// </summary>
    public string? ApiKeyFile { get; init; }

    /// <summary>Azure OpenAI deployment name.</summary>
    public string? Deployment { get; init; }

    /// <summary>GGUF model file for the in-process LLamaSharp provider.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Longest one attempt may take.</summary>
    public double TimeoutSeconds { get; init; } = 120;

    /// <summary>Retries of a transient failure (timeout, 429, 5xx, connection error) after the first attempt.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The same connection under another model name; for Azure OpenAI the name is the deployment's.</summary>
    public ModelConnection WithModel(string model) =>
        this with { Model = model, Deployment = Deployment is null ? null : model };
}
