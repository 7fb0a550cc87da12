using System.Text.Json;
using System.Text.Json.Serialization;
using Synth.Evaluation;
using Synth.Evaluation.Processor.Downstream;

namespace Synth.Evaluation.Processor.Reports;

/// <summary>The support set's direct metrics, to set beside the curated samples' (docs/evaluation.md, Comparison with real data).</summary>
/// <param name="SupportSet">The support set's file name.</param>
/// <param name="Similarity">Mean pairwise cosine similarity of the real samples' embeddings; null when the job does not measure embeddings.</param>
/// <param name="Distance">Kernel MMD and nearest-real-neighbour cosine of (a uniform sample of) the curated samples against (one of) the real ones; null without embeddings.</param>
public sealed record RealDataComparison(
    string SupportSet,
    long Samples,
    DiversityMetrics Diversity,
    LabelBalanceMetrics? Labels,
    SimilarityEstimate? Similarity,
    EmbeddingDistance? Distance);
