using Synth.Contracts.Samples;

namespace Synth.Generation.Prompts;

/// <summary>Task type names as the spec writes them.</summary>
public static class TaskTypeNames
{
    public static string Kebab(TaskType type) => type switch
    {
        TaskType.TextClassification => "text-classification",
        TaskType.InstructionResponse => "instruction-response",
        TaskType.QuestionAnswering => "question-answering",
        TaskType.Dialogue => "dialogue",
        TaskType.Reasoning => "reasoning",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown task type"),
    };
}
