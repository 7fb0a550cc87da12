using Microsoft.Extensions.AI;
using Synth.Contracts.Jobs;

namespace Synth.Llm;

/// <summary>
/// A ready <see cref="IChatClient"/> for one job's model, with what the executor needs to know about it.
/// Owns the client (and, for LLamaSharp, the loaded weights): dispose it when the job is done.
/// </summary>
public sealed class LlmConnection : IDisposable
{
    private readonly string? _apiKey;

    internal LlmConnection(IChatClient client, LlmProvider provider, string model, bool usesJsonSchemaResponseFormat, string? apiKey)
    {
        Client = client;
        Provider = provider;
        Model = model;
        UsesJsonSchemaResponseFormat = usesJsonSchemaResponseFormat;
        _apiKey = apiKey;
    }

    public IChatClient Client { get; }

    public LlmProvider Provider { get; }

    /// <summary>Model name as sent to the endpoint (the Azure deployment, or the GGUF file name for LLamaSharp).</summary>
    public string Model { get; }

    /// <summary>Whether requests with an output schema ask the provider for JSON-schema structured output.</summary>
    public bool UsesJsonSchemaResponseFormat { get; }

    /// <summary>Removes the API key from text that may have come from a server or an SDK (error bodies, messages).</summary>
    internal string Redact(string text) =>
        string.IsNullOrEmpty(_apiKey) ? text : text.Replace(_apiKey, "***", StringComparison.Ordinal);

    public void Dispose() => Client.Dispose();
}
