using Synth.Contracts.Samples;

namespace Synth.Curation.Text;

/// <summary>The text of a sample that length, repetition, refusal, block-list and dedup checks look at.</summary>
public static class ContentText
{
    /// <summary>
    /// The task type's content fields (docs/schemas.md) in schema order, one per line; dialogue turns as
    /// "role: text". The label is not text the model wrote about the input, so it is left out.
    /// </summary>
    public static string Of(SampleContent content, TaskType taskType)
    {
        IEnumerable<string?> parts = taskType switch
        {
            TaskType.TextClassification => [content.Text],
            TaskType.InstructionResponse => [content.Instruction, content.Input, content.Response],
            TaskType.QuestionAnswering => [content.Context, content.Question, content.Answer],
            TaskType.Dialogue => content.Turns.Select(turn => (string?)$"{turn.Role}: {turn.Text}"),
            TaskType.Reasoning => [content.Question, content.Rationale, content.Answer],
            _ => throw new ArgumentOutOfRangeException(nameof(taskType), taskType, "Unknown task type."),
        };
        return string.Join('\n', parts.Where(part => !string.IsNullOrWhiteSpace(part)));
    }
}
