namespace Synth.Contracts.Jobs;

/// <summary>Curation: the filter stage, then the label-refiner stage.</summary>
public sealed class CurationSpec
{
    public FilterSpec Filter { get; set; } = new();
    public LabelRefinementSpec LabelRefinement { get; set; } = new();
}
