using System.Text.Json;
using System.Text.Json.Serialization;
using Synth.Evaluation;
using Synth.Evaluation.Downstream;

namespace Synth.Reports;

/// <summary>
/// A job's evaluation report (schema version <see cref="CurrentSchemaVersion"/>, docs/evaluation.md): every figure
/// recomputed from the stored samples, so it is the same whichever evaluator instances did the work.
/// </summary>
public sealed record JobReport
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string JobId { get; init; }
    public required string JobName { get; init; }
    public required string TaskType { get; init; }
    public string? JobState { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public required ReportCounts Counts { get; init; }
    /// <summary>Direct metrics over the curated samples (refined or evaluated), in generation order.</summary>
    public required CuratedMetrics Curated { get; init; }
    /// <summary>Filter reject reasons (the text before the first ':') → rejected samples.</summary>
    public IReadOnlyDictionary<string, long> RejectReasons { get; init; } = new Dictionary<string, long>();
    /// <summary>Label changes after generation, by method (llm-relabel, student-model, human-review, …).</summary>
    public IReadOnlyDictionary<string, long> LabelChanges { get; init; } = new Dictionary<string, long>();
    /// <summary>Human review outcomes (pending, labelled, skipped) of the job's samples.</summary>
    public IReadOnlyDictionary<string, long> Reviews { get; init; } = new Dictionary<string, long>();
    /// <summary>
    /// Share of human-reviewed samples whose reviewer kept the generated label, with its 95% Wilson interval; null when
    /// nobody reviewed a sample. The refiner sends the least confident samples to review first, so this is a
    /// pessimistic figure for the whole dataset, not an unbiased estimate of it.
    /// </summary>
    public ProportionInterval? HumanAgreement { get; init; }
    /// <summary>The downstream classifier on a real benchmark, with baselines; null when the job asks for none.</summary>
    public DownstreamResult? Indirect { get; init; }
    /// <summary>The same direct metrics over the job's support set (real data), and how far the synthetic embeddings lie from it; null without a support set.</summary>
    public RealDataComparison? Real { get; init; }
    /// <summary>
    /// The LLM judge's faithfulness verdicts on a random sample, the human reviewers' agreement with the model's label,
    /// and both pooled, each with its Wilson interval; null unless evaluation.faithfulness is enabled.
    /// </summary>
    public FaithfulnessResult? Faithfulness { get; init; }
}

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

/// <param name="CostUsd">Summed over every stored sample's share of its request's cost.</param>
public sealed record ReportCounts(
    IReadOnlyDictionary<string, long> SamplesByState,
    long RequestsSucceeded,
    long RequestsFailed,
    long Failures,
    long PromptTokens,
    long CompletionTokens,
    decimal CostUsd);

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

/// <param name="Targets">Value → the share the job asked for.</param>
public sealed record CoverageRow(
    string Dimension, double Coverage, double Deviation, IReadOnlyDictionary<string, long> Counts, IReadOnlyDictionary<string, double> Targets);

/// <param name="Cells">Cells[i][j]: samples with Rows[i] on the first dimension and Columns[j] on the second.</param>
public sealed record HeatMap(string RowDimension, string ColumnDimension, IReadOnlyList<string> Rows, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<long>> Cells);

public sealed record WeightSummary(double Min, double Mean, double Max, double Sum);

/// <summary>The report's JSON: camelCase, enums as strings, and ±Infinity written out (an imbalance ratio can be infinite).</summary>
public static class ReportJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static string Serialize(JobReport report) => JsonSerializer.Serialize(report, Options);

    public static JobReport Deserialize(string json) =>
        JsonSerializer.Deserialize<JobReport>(json, Options) ?? throw new JsonException("JSON null where a job report was expected.");
}
