namespace Synth.Contracts.Samples;

/// <summary>The content fields; which ones are set depends on the task type (docs/schemas.md).</summary>
public sealed class SampleContent
{
    /// <summary>Text classification input.</summary>
    public string? Text { get; set; }
    /// <summary>Current label (classification) — its changes are in <see cref="SampleDocument.LabelHistory"/>.</summary>
    public string? Label { get; set; }
    public string? Instruction { get; set; }
    public string? Input { get; set; }
    public string? Response { get; set; }
    /// <summary>Passage a question is asked over.</summary>
    public string? Context { get; set; }
    public string? Question { get; set; }
    public string? Answer { get; set; }
    /// <summary>Chain-of-thought rationale that precedes <see cref="Answer"/>.</summary>
    public string? Rationale { get; set; }
    public List<DialogueTurn> Turns { get; set; } = [];
}
