namespace Synth.Llm;

/// <summary>Deployment-level settings for LLM access that are not part of a job spec.</summary>
public sealed class LlmAccessOptions
{
    /// <summary>
    /// Ask OpenAI-compatible servers for <c>response_format: json_schema</c>. On by default because vLLM, Ollama,
    /// llama.cpp server and LM Studio accept it; turn it off for a server that rejects the field with 400.
    /// </summary>
    public bool JsonSchemaOpenAICompatible { get; init; } = true;

    /// <summary>Azure OpenAI supports structured output on current API versions.</summary>
    public bool JsonSchemaAzureOpenAI { get; init; } = true;

    /// <summary>The in-process model follows a request's JSON schema through a grammar built from it (see <see cref="JsonSchemaGrammar"/>).</summary>
    public bool JsonSchemaLLamaSharp { get; init; } = true;

    /// <summary>Context window of an in-process GGUF model, in tokens (prompt plus output).</summary>
    public uint LLamaContextSize { get; init; } = 4096;

    /// <summary>CPU threads for LLamaSharp inference; null uses every core.</summary>
    public int? LLamaThreads { get; init; }
}
