namespace Synth.Contracts.Samples;

/// <summary>A label an automated method proposed for review.</summary>
public sealed class ReviewCandidateLabel
{
    public required string Label { get; init; }
    public double Confidence { get; init; }
    /// <summary>What proposed it (llm-relabel, student-model), or <see cref="LabelMethod.Current"/> for the label as it stood.</summary>
    public required LabelMethod Method { get; init; }
}
