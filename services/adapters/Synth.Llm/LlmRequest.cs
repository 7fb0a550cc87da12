using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Synth.Llm;

/// <summary>One chat request: the rendered prompt messages and, optionally, the JSON schema of the answer.</summary>
public sealed record LlmRequest(IReadOnlyList<ChatMessage> Messages)
{
    /// <summary>Schema the answer must follow; sent as structured output when the connection supports it.</summary>
    public JsonElement? OutputSchema { get; init; }

    /// <summary>Name the schema is sent under (OpenAI requires one: letters, digits, '_' and '-').</summary>
    public string OutputSchemaName { get; init; } = "sample";
}
