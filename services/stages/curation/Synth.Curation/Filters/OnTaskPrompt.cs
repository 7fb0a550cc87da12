using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.Curation.Filters;

/// <summary>
/// Relevance escalation's one short question to the model: is this sample the data the task describes? Answered
/// with one word, so the call is cheap and the answer unambiguous.
/// </summary>
public static class OnTaskPrompt
{
    public const string Yes = "yes";
    public const string No = "no";

    public static string Render(TaskSpec task, string sampleText)
    {
        ArgumentNullException.ThrowIfNull(task);
        var prompt = new StringBuilder()
            .Append("The data is meant to be: ").AppendLine(task.DataDescription);
        if (!string.IsNullOrWhiteSpace(task.Purpose))
        {
            prompt.Append("It will be used to: ").AppendLine(task.Purpose);
        }

        if (task.Labels.Count > 0)
        {
            prompt.Append("Labels: ").AppendLine(string.Join(", ", task.Labels.Select(label => label.Name)));
        }

        return prompt.AppendLine()
            .AppendLine("Is the sample below on-task, i.e. an example of this data (whatever its label)?")
            .Append("Answer with one word: ").Append(Yes).Append(" or ").Append(No).AppendLine(".")
            .AppendLine()
            .AppendLine("Sample:")
            .AppendLine("\"\"\"")
            .AppendLine(sampleText)
            .Append("\"\"\"")
            .ToString();
    }

    /// <summary>True for yes, false for no; null when the answer is neither (the caller records it as unreadable).</summary>
    public static bool? Parse(string? answer)
    {
        var word = (answer ?? "").Trim().TrimEnd('.', '!').Trim('"', '\'', '*', ' ').ToLowerInvariant();
        return word switch
        {
            Yes => true,
            No => false,
            _ => null,
        };
    }
}
