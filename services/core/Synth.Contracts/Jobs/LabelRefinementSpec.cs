namespace Synth.Contracts.Jobs;

/// <summary>
/// The label-refiner stage: model relabelling, the student cross-partition refiner and human review (docs/curation.md).
/// With the section omitted the student runs once it has enough data and low-confidence samples go to review.
/// </summary>
public sealed class LabelRefinementSpec
{
    public LlmRelabelSpec LlmRelabel { get; set; } = new();
    public StudentSpec Student { get; set; } = new();
    public ReviewSpec Review { get; set; } = new();
}
