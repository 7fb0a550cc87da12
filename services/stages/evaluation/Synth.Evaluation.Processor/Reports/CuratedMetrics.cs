using System.Text.Json;
using System.Text.Json.Serialization;
using Synth.Evaluation;
using Synth.Evaluation.Processor.Downstream;

namespace Synth.Evaluation.Processor.Reports;

/// <param name="Similarity">Mean pairwise cosine similarity of MiniLM embeddings with its bound; null when the job does not measure embeddings.</param>
/// <param name="MeanNovelty">Mean of the novelty the evaluator stored on each sample's decision; null when not measured.</param>
/// <param name="HeatMap">Samples per value pair of the job's first two condition dimensions; null with fewer than two.</param>
/// <param name="Clusters">Leader clusters of the curated samples' MiniLM embeddings, in generation order; null when the job does not measure embeddings.</param>
public sealed record CuratedMetrics(
    long Samples,
    DiversityMetrics Diversity,
    LabelBalanceMetrics? Labels,
    IReadOnlyList<CoverageRow> Coverage,
    HeatMap? HeatMap,
    IReadOnlyList<DiversityPoint> Timeline,
    SimilarityEstimate? Similarity,
    double? MeanNovelty,
    WeightSummary Weights,
    EmbeddingClusterCount? Clusters = null);
