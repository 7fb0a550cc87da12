namespace Synth.Contracts.Messaging;

/// <summary>
/// What an evaluator instance has seen of one job, published on <see cref="Topics.Feedback"/> (keyed by job id) so
/// the generator can steer generation towards what is under-covered. Counts are cumulative for the publishing
/// instance: a consumer keeps the latest message per (job, instance) and sums over instances.
/// </summary>
public sealed class FeedbackMessage
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    public required string JobId { get; init; }
    /// <summary>The evaluator instance whose counts these are (Synth:InstanceName).</summary>
    public required string Instance { get; init; }
    public DateTimeOffset At { get; init; }
    /// <summary>Samples this instance has evaluated for the job.</summary>
    public long SamplesEvaluated { get; init; }
    /// <summary>Condition dimension → value → evaluated samples that had it (the concept-tree path counts under its dimension).</summary>
    public Dictionary<string, Dictionary<string, long>> ConditionCounts { get; init; } = [];
    /// <summary>
    /// Curated label → evaluated samples with it: the final label, after any relabelling (the <c>label</c> condition
    /// counts the label each sample was asked for). Empty for jobs without labels and from older evaluators.
    /// </summary>
    public Dictionary<string, long> LabelCounts { get; init; } = [];
    /// <summary>Condition dimension → value → mean nearest-neighbour novelty (1 − cosine) of those samples; absent when not measured.</summary>
    public Dictionary<string, Dictionary<string, double>> ConditionNovelty { get; init; } = [];
    /// <summary>Mean novelty over the instance's recent samples; null when embeddings are not measured.</summary>
    public double? MeanNovelty { get; init; }
}
