namespace Synth.Contracts.Jobs;

/// <summary>Faithfulness judged by an LLM on a seeded random sample of the curated samples, with human reviews folded in.</summary>
public sealed class FaithfulnessSpec
{
    public bool Enabled { get; set; }
    /// <summary>Target half-width of the interval; with <see cref="Confidence"/> it sizes the sample.</summary>
    public double MarginOfError { get; set; } = 0.05;
    public double Confidence { get; set; } = 0.95;
    /// <summary>Most judge calls per report, whatever the margin asks for.</summary>
    public long MaxJudgements { get; set; } = 500;
    /// <summary>Model name to judge with instead of the filter judge's (or the generation's) model on the same connection.</summary>
    public string? Model { get; set; }
    /// <summary>Instructions replacing the default faithfulness question; the sample, its label and the answer format are appended.</summary>
    public string? Prompt { get; set; }
}
