using System.Text.Json;
using System.Text.Json.Serialization;
using Synth.Evaluation;
using Synth.Evaluation.Processor.Downstream;

namespace Synth.Evaluation.Processor.Reports;

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
