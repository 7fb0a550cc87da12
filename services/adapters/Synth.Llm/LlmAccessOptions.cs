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

    /// <summary>Off by default: the LLamaSharp chat client does not constrain its output to a schema.</summary>
    public bool JsonSchemaLLamaSharp { get; init; }

    /// <summary>Context window of an in-process GGUF model, in tokens (prompt plus output).</summary>
    public uint LLamaContextSize { get; init; } = 4096;

    /// <summary>CPU threads for LLamaSharp inference; null lets llama.cpp choose.</summary>
    public int? LLamaThreads { get; init; }
}
