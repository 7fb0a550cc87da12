namespace Synth.Contracts.Jobs;

/// <summary>
/// The filter stage: quality filters, deduplication, rank-and-drop and re-weighting (docs/curation.md, "Filter spec").
/// With no section at all: schema/label, length, repetition and refusal filters, exact and near dedup; relevance and
/// semantic dedup when the local embedding model loads; no judge.
/// </summary>
public sealed class FilterSpec
{
    /// <summary>Threshold mode drops what fails a filter; rank-and-drop also drops the worst of what passes.</summary>
    public FilterMode Mode { get; set; } = FilterMode.Threshold;
    public SchemaFilterSpec Schema { get; set; } = new();
    public LengthFilterSpec Length { get; set; } = new();
    public RepetitionFilterSpec Repetition { get; set; } = new();
    public RefusalFilterSpec Refusal { get; set; } = new();
    public BlockListFilterSpec BlockList { get; set; } = new();
    public RelevanceFilterSpec Relevance { get; set; } = new();
    public JudgeFilterSpec Judge { get; set; } = new();
    public DedupSpec Dedup { get; set; } = new();
    public RankAndDropSpec RankAndDrop { get; set; } = new();
    public WeightingSpec Weighting { get; set; } = new();
}
