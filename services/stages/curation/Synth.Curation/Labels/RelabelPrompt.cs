using System.Text;

namespace Synth.Curation.Labels;

/// <summary>The relabelling model's prompt and how one answer becomes a vote.</summary>
public static class RelabelPrompt
{
    public const string DefaultInstruction =
        "You are checking the label of one example in a text-classification dataset. Choose the label that fits the text best.";

    /// <param name="instruction">The job's own instruction, or null for <see cref="DefaultInstruction"/>.</param>
    public static string Build(string? instruction, IReadOnlyList<LabelDefinition> labels, string text)
    {
        var prompt = new StringBuilder(instruction ?? DefaultInstruction).AppendLine().AppendLine().AppendLine("Labels:");
        foreach (var label in labels)
        {
            prompt.Append("- ").Append(label.Name).Append(": ").AppendLine(label.Description);
        }

        return prompt.AppendLine().AppendLine("Text:").AppendLine(text).AppendLine()
            .Append("Answer with exactly one label name from the list and nothing else.").ToString();
    }

    /// <summary>
    /// The label an answer names: the whole answer (trimmed of quotes, punctuation and a "label:" prefix) matched
    /// ignoring case, so "Positive." counts; anything else (two labels, prose) is no vote.
    /// </summary>
    public static string? ParseVote(string? answer, IReadOnlyList<LabelDefinition> labels)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return null;
        }

        var cleaned = answer.Trim().Trim('"', '\'', '`', '*', '.', '!', ' ');
        if (cleaned.StartsWith("label:", StringComparison.OrdinalIgnoreCase))
        {
            cleaned = cleaned["label:".Length..].Trim().Trim('"', '\'', '`', '*', '.', '!', ' ');
        }

        return labels.FirstOrDefault(label => string.Equals(label.Name, cleaned, StringComparison.OrdinalIgnoreCase))?.Name;
    }
}
