namespace Synth.Contracts.Samples;

/// <summary>
/// The text a sample's diversity, length and embedding are measured on: every generated content field in reading
/// order (a label is not text). The same rule everywhere — demonstration choice, evaluator, report and
/// benchmark — so figures compare.
/// </summary>
public static class SampleText
{
    public static string Of(SampleContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        IEnumerable<string?> parts =
        [
            content.Text, content.Instruction, content.Input, content.Context, content.Question,
            content.Rationale, content.Answer, content.Response, .. content.Turns.Select(t => t.Text),
        ];
        return string.Join("\n", parts.Where(p => !string.IsNullOrWhiteSpace(p)));
    }
}
