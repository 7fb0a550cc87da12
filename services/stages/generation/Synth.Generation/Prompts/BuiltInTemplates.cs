using Synth.Contracts.Samples;

namespace Synth.Generation.Prompts;

/// <summary>
/// The built-in Scriban templates. Variables (user overrides get the same): <c>task</c> (type, role, purpose,
/// data_description, labels[name, description]), <c>asked_label</c> (the label a class-conditional classification
/// request asks for, or null; it is then left out of conditions), <c>conditions</c>[name, value], <c>demos</c>[id, text],
/// <c>knowledge</c>[], <c>n</c>, <c>input</c> (annotation: the record as JSON, or null), <c>missing_fields</c>
/// (annotation: what the model must add), <c>schema</c> (JSON schema of one sample), and has_role, has_purpose, has_labels,
/// has_knowledge, has_conditions, has_demos.
/// </summary>
public static class BuiltInTemplates
{
    /// <summary>Bumped when a built-in template's text changes, so samples record which wording made them.</summary>
    public const string Version = "v2";

    /// <summary>Task, domain knowledge, conditions and demos: e_task + e_condition + e_demo, shared by every prompt.</summary>
    public const string Preamble = """
        {{ if has_role }}Suppose you are {{ task.role }}.
        {{ end }}{{ if has_purpose }}Purpose of the data: {{ task.purpose }}
        {{ end }}One sample is: {{ task.data_description }}
        {{ if has_knowledge }}
        Facts you may rely on:
        {{ for fact in knowledge }}- {{ fact }}
        {{ end }}{{ end }}{{ if has_conditions }}
        Every sample must match these conditions:
        {{ for c in conditions }}- {{ c.name }}: {{ c.value }}
        {{ end }}{{ end }}{{ if has_demos }}
        Examples of good samples:
        {{ for d in demos }}{{ d.text }}
        {{ end }}{{ end }}
        """;

    private const string TextClassification = """

        Write {{ n }} new, varied samples. Each has a "text" and a "label"; {{ if asked_label }}the label of every sample is "{{ asked_label }}", so every text must truly belong to it. The labels, for reference:{{ else }}the label is one of:{{ end }}
        {{ for l in task.labels }}- {{ l.name }}: {{ l.description }}
        {{ end }}
        Answer with only a JSON array of {{ n }} objects like {"text": "...", "label": "..."}.
        """;

    private const string InstructionResponse = """

        Write {{ n }} new, varied samples. Each is an "instruction" a user gives, an optional "input" it refers to
        (an empty string when there is none), and the ideal "response".
        Answer with only a JSON array of {{ n }} objects like {"instruction": "...", "input": "...", "response": "..."}.
        """;

    private const string QuestionAnswering = """

        Write {{ n }} new, varied samples. Each is a passage ("context"), a "question" about it, and the "answer",
        which the passage alone must support.
        Answer with only a JSON array of {{ n }} objects like {"context": "...", "question": "...", "answer": "..."}.
        """;

    private const string Dialogue = """

        Write {{ n }} new, varied conversations. Each is a list of "turns", user first, then user and assistant
        alternating; every turn has a "role" ("user" or "assistant") and its "text".
        Answer with only a JSON array of {{ n }} objects like {"turns": [{"role": "user", "text": "..."}, {"role": "assistant", "text": "..."}]}.
        """;

    private const string Reasoning = """

        Write {{ n }} new, varied problems. Each has a "question", a step-by-step "rationale" that works it out, and
        the final "answer" the rationale arrives at.
        Answer with only a JSON array of {{ n }} objects like {"question": "...", "rationale": "...", "answer": "..."}.
        """;

    private const string Annotation = """

        Here is an unlabelled input:
        {{ input }}
        {{ if has_labels }}The possible labels:
        {{ for l in task.labels }}- {{ l.name }}: {{ l.description }}
        {{ end }}{{ end }}
        Complete it with the fields {{ missing_fields | array.join ", " }}.
        Answer with only one JSON object holding those fields.
        """;

    /// <summary>The built-in template id for a task type, or for annotating an input of it.</summary>
    public static string Id(TaskType type, bool annotation) =>
        $"builtin:{(annotation ? "annotation" : TaskTypeNames.Kebab(type))}/{Version}";

    /// <summary>The whole built-in template text (preamble included).</summary>
    public static string Text(TaskType type, bool annotation) => Preamble + (annotation ? Annotation : type switch
    {
        TaskType.TextClassification => TextClassification,
        TaskType.InstructionResponse => InstructionResponse,
        TaskType.QuestionAnswering => QuestionAnswering,
        TaskType.Dialogue => Dialogue,
        TaskType.Reasoning => Reasoning,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown task type"),
    });
}
