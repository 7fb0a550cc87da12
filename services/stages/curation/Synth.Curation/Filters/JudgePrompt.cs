using System.Globalization;
using System.Text;
using System.Text.Json;
using Synth.Contracts.Json;
using Synth.Contracts.Jobs;

namespace Synth.Curation.Filters;

/// <summary>The LLM judge's prompt and the reading of its answer: one JSON object of criterion → score in [0, 1].</summary>
public static class JudgePrompt
{
    public static string Render(TaskSpec task, string sampleText, IReadOnlyList<string> criteria)
    {
        var prompt = new StringBuilder()
            .AppendLine("You are a strict reviewer of synthetic training data.")
            .Append("The data is meant to be: ").AppendLine(task.DataDescription);
        if (!string.IsNullOrWhiteSpace(task.Purpose))
        {
            prompt.Append("It will be used to: ").AppendLine(task.Purpose);
        }

        prompt.AppendLine()
            .AppendLine("Rate the sample below on each criterion from 0 (worst) to 1 (best):");
        foreach (var criterion in criteria)
        {
            prompt.Append("- ").AppendLine(criterion);
        }

        return prompt.AppendLine()
            .AppendLine("Answer with one JSON object and nothing else, mapping each criterion to its score, e.g.")
            .AppendLine(JsonSerializer.Serialize(criteria.ToDictionary(criterion => criterion, _ => 0.8)))
            .AppendLine()
            .AppendLine("Sample:")
            .AppendLine("\"\"\"")
            .AppendLine(sampleText)
            .Append("\"\"\"")
            .ToString();
    }

    /// <summary>The assessment, or the reason the answer could not be read (never the answer's text itself).</summary>
    public static (JudgeAssessment? Assessment, string? Problem) Parse(string? answer, IReadOnlyList<string> criteria, string judge)
    {
        using var document = AnswerJson.ParseObject(answer, out var problem);
        if (document is null)
        {
            return (null, problem);
        }

        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var criterion in criteria)
        {
            var property = AnswerJson.Property(document.RootElement, criterion);
            if (property.ValueKind != JsonValueKind.Number || !property.TryGetDouble(out var score) || !double.IsFinite(score))
            {
                return (null, $"the judge's answer has no numeric score for '{criterion}'");
            }

            // A judge that answers on a 1–10 or 1–5 scale despite the instruction is rescaled, not rejected.
            scores[criterion] = score switch
            {
                <= 1 => Math.Max(0, score),
                <= 5 => score / 5,
                <= 10 => score / 10,
                _ => 1,
            };
        }

        return (new JudgeAssessment(judge, scores), null);
    }
}
