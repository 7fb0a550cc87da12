using Synth.Contracts.Samples;

namespace Synth.Curation.Filters;

/// <summary>
/// The task type's required content fields are present (docs/schemas.md) and, for classification, the label is one
/// of the job's labels (exact, ordinal: labels are identifiers). Score 1 when valid, else 0.
/// </summary>
public sealed class SchemaFilter(IReadOnlyCollection<string> labels) : ISampleFilter
{
    private readonly HashSet<string> labelSet = new(labels, StringComparer.Ordinal);

    public string Name => "schema";

    public FilterResult Evaluate(FilterSample sample)
    {
        var problem = Problem(sample.TaskType, sample.Content);
        return problem is null
            ? new FilterResult(Name, 1, 1, $"valid {Describe(sample.TaskType)} sample")
            : new FilterResult(Name, 0, 1, problem);
    }

    private string? Problem(TaskType taskType, SampleContent content)
    {
        var missing = Required(taskType, content).Where(field => string.IsNullOrWhiteSpace(field.Value)).Select(field => field.Name).ToList();
        if (taskType == TaskType.Dialogue)
        {
            if (content.Turns.Count < 2)
            {
                return $"dialogue has {content.Turns.Count} turn(s), needs at least 2";
            }

            var blank = content.Turns.FindIndex(turn => string.IsNullOrWhiteSpace(turn.Role) || string.IsNullOrWhiteSpace(turn.Text));
            if (blank >= 0)
            {
                return $"dialogue turn {blank + 1} has no role or no text";
            }
        }

        if (missing.Count > 0)
        {
            return $"missing {string.Join(", ", missing)} for a {Describe(taskType)} sample";
        }

        if (taskType == TaskType.TextClassification && labelSet.Count > 0 && !labelSet.Contains(content.Label!))
        {
            return $"label '{content.Label}' is not in the label set [{string.Join(", ", labelSet.Order(StringComparer.Ordinal))}]";
        }

        return null;
    }

    private static IEnumerable<(string Name, string? Value)> Required(TaskType taskType, SampleContent content) => taskType switch
    {
        TaskType.TextClassification => [("text", content.Text), ("label", content.Label)],
        TaskType.InstructionResponse => [("instruction", content.Instruction), ("response", content.Response)],
        TaskType.QuestionAnswering => [("context", content.Context), ("question", content.Question), ("answer", content.Answer)],
        TaskType.Dialogue => [],
        TaskType.Reasoning => [("question", content.Question), ("rationale", content.Rationale), ("answer", content.Answer)],
        _ => throw new ArgumentOutOfRangeException(nameof(taskType), taskType, "Unknown task type."),
    };

    private static string Describe(TaskType taskType) => taskType switch
    {
        TaskType.TextClassification => "text-classification",
        TaskType.InstructionResponse => "instruction-response",
        TaskType.QuestionAnswering => "question-answering",
        TaskType.Dialogue => "dialogue",
        TaskType.Reasoning => "reasoning",
        _ => taskType.ToString(),
    };
}
