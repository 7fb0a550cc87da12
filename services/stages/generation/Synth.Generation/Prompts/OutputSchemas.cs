using System.Text.Json.Nodes;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Generation.Prompts;

/// <summary>JSON schemas of the expected output, for a provider's structured-output format and for the prompt.</summary>
public static class OutputSchemas
{
    /// <summary>The content fields a task type's sample must have.</summary>
    public static IReadOnlyList<string> RequiredFields(TaskType type) => type switch
    {
        TaskType.TextClassification => ["text", "label"],
        TaskType.InstructionResponse => ["instruction", "response"],
        TaskType.QuestionAnswering => ["context", "question", "answer"],
        TaskType.Dialogue => ["turns"],
        TaskType.Reasoning => ["question", "rationale", "answer"],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown task type"),
    };

    /// <summary>The schema of one sample: the spec's own output schema when it has one, otherwise the task type's.</summary>
    public static JsonObject ForSample(TaskSpec task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!string.IsNullOrWhiteSpace(task.OutputSchema))
        {
            return JsonNode.Parse(task.OutputSchema)!.AsObject();
        }
        var properties = new JsonObject();
        foreach (var field in AllFields(task.Type))
        {
            properties[field] = field switch
            {
                "label" when task.Labels.Count > 0 => new JsonObject
                {
                    ["type"] = "string",
                    ["enum"] = new JsonArray(task.Labels.Select(l => (JsonNode)JsonValue.Create(l.Name)).ToArray()),
                },
                "turns" => new JsonObject
                {
                    ["type"] = "array",
                    ["minItems"] = 2,
                    ["items"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = new JsonObject
                        {
                            ["role"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("user", "assistant") },
                            ["text"] = new JsonObject { ["type"] = "string" },
                        },
                        ["required"] = new JsonArray("role", "text"),
                        ["additionalProperties"] = false,
                    },
                },
                _ => new JsonObject { ["type"] = "string" },
            };
        }
        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = new JsonArray(RequiredFields(task.Type).Select(f => (JsonNode)JsonValue.Create(f)).ToArray()),
            ["additionalProperties"] = false,
        };
    }

    /// <summary>
    /// The schema of a whole answer of <paramref name="sampleCount"/> samples. Structured-output formats want an object
    /// at the root, so the samples sit in a "samples" array; the parser accepts that and a bare array alike.
    /// </summary>
    public static JsonObject ForRequest(TaskSpec task, int sampleCount) => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["samples"] = new JsonObject
            {
                ["type"] = "array",
                ["items"] = ForSample(task),
                ["minItems"] = sampleCount,
                ["maxItems"] = sampleCount,
            },
        },
        ["required"] = new JsonArray("samples"),
        ["additionalProperties"] = false,
    };

    private static IReadOnlyList<string> AllFields(TaskType type) => type switch
    {
        TaskType.InstructionResponse => ["instruction", "input", "response"],
        _ => RequiredFields(type),
    };
}
