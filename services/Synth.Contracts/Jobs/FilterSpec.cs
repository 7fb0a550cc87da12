namespace Synth.Contracts.Jobs;

/// <summary>The filter stage: quality filters, deduplication, rank-and-drop and re-weighting.</summary>
public sealed class FilterSpec
{
}
