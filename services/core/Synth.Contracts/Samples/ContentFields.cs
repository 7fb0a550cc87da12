namespace Synth.Contracts.Samples;

/// <summary>Reads and writes SampleContent's string fields by their JSON name.</summary>
public static class ContentFields
{
    /// <summary>The fields a dataset record may fill: the record's id, then SampleContent's fields by JSON name.</summary>
    public static readonly IReadOnlyList<string> RecordFields =
        ["id", "text", "label", "instruction", "input", "response", "context", "question", "answer", "rationale", "turns"];

    /// <summary>The content fields of each task type, in dataset column order (docs/schemas.md).</summary>
    public static IReadOnlyList<string> ColumnsOf(TaskType type) => type switch
    {
        TaskType.TextClassification => ["text", "label"],
        TaskType.InstructionResponse => ["instruction", "input", "response"],
        TaskType.QuestionAnswering => ["context", "question", "answer"],
        TaskType.Dialogue => ["turns"],
        TaskType.Reasoning => ["question", "rationale", "answer"],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown task type."),
    };

    public static bool Has(SampleContent content, string field) => field == "turns"
        ? content.Turns.Count > 0
        : !string.IsNullOrWhiteSpace(Get(content, field));

    public static string? Get(SampleContent content, string field) => field switch
    {
        "text" => content.Text,
        "label" => content.Label,
        "instruction" => content.Instruction,
        "input" => content.Input,
        "response" => content.Response,
        "context" => content.Context,
        "question" => content.Question,
        "answer" => content.Answer,
        "rationale" => content.Rationale,
        _ => null,
    };

    /// <summary>Sets a string field; false for a name SampleContent has no string field for.</summary>
    public static bool Set(SampleContent content, string field, string value)
    {
        switch (field)
        {
            case "text": content.Text = value; break;
            case "label": content.Label = value; break;
            case "instruction": content.Instruction = value; break;
            case "input": content.Input = value; break;
            case "response": content.Response = value; break;
            case "context": content.Context = value; break;
            case "question": content.Question = value; break;
            case "answer": content.Answer = value; break;
            case "rationale": content.Rationale = value; break;
            default: return false;
        }
        return true;
    }
}
