using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Evaluation;

/// <param name="ConditionNovelty">Dimension → value → mean novelty of the samples that had it (empty without embeddings).</param>
/// <param name="Clusters">Leader clusters of the embeddings of the samples added with one (null without embeddings).</param>
public sealed record JobMetricsSnapshot(
    long Samples,
    DiversityMetrics Diversity,
    LabelBalanceMetrics? Labels,
    IReadOnlyList<DimensionCoverage> Coverage,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ConditionCounts,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> ConditionNovelty,
    double? MeanNovelty,
    IReadOnlyList<DiversityPoint> Timeline,
    EmbeddingClusterCount? Clusters);
