namespace Synth.Contracts.Jobs;

/// <summary>The label-refiner stage: model relabelling, the student cross-partition refiner and human review.</summary>
public sealed class LabelRefinementSpec
{
}
