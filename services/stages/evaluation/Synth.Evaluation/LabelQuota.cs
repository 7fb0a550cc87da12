using System.Globalization;
using Synth.Contracts.Jobs;

namespace Synth.Evaluation;

/// <summary>
/// The per-label curated quota of a class-conditional job: a label may have at most its asked share of
/// <c>generation.target</c> curated samples (rounded up), so a relabelled stream cannot overfill the label the model
/// writes most. The evaluator claims a slot for each sample it keeps; no I/O here.
/// </summary>
public sealed class LabelQuota
{
    private readonly string _jobId;
    private readonly Dictionary<string, long> _limits;

    private LabelQuota(string jobId, Dictionary<string, long> limits)
    {
        _jobId = jobId;
        _limits = limits;
    }

    /// <summary>The labels and their limits.</summary>
    public IReadOnlyDictionary<string, long> Limits => _limits;

    /// <summary>
    /// The job's quota, or null when it has none: shares off, annotation, <c>task.labelQuota: false</c>, or by default
    /// when no LLM relabelling moves labels (then the final label is the asked one, label steering holds the shares,
    /// and a quota would only discard the surplus of steering's lag).
    /// </summary>
    public static LabelQuota? Of(string jobId, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        ArgumentNullException.ThrowIfNull(spec);
        if (!(spec.Task.LabelQuota ?? spec.Curation.LabelRefinement.LlmRelabel.Enabled) || !ClassConditioning.Applies(spec))
        {
            return null;
        }

        var weights = ClassConditioning.PlannedConditions(spec).Dimensions
            .Single(d => string.Equals(d.Name, ClassConditioning.Dimension, StringComparison.Ordinal)).Values;
        var total = weights.Sum(w => w.Weight);
        // The tolerance keeps a share like 0.8 of 400 at 320 although 0.8 is not exact in binary.
        var limits = weights.ToDictionary(
            w => w.Value,
            w => (long)Math.Ceiling((w.Weight / total * spec.Generation.Target) - 1e-9),
            StringComparer.Ordinal);
        return new LabelQuota(jobId, limits);
    }

    /// <summary>The limit of <paramref name="label"/>; null for a label outside the job's set (not capped).</summary>
    public long? LimitOf(string? label) => label is not null && _limits.TryGetValue(label, out var limit) ? limit : null;

    /// <summary>The store's name of the label's quota (shared by every evaluator instance of the job).</summary>
    public string CounterOf(string label) => $"label-quota:job:{_jobId}:{label}";

    /// <summary>The rejection reason of a sample whose label's quota is full.</summary>
    public static string FullReason(string label, long limit) =>
        string.Create(CultureInfo.InvariantCulture, $"label quota full: {label} has {limit} of {limit} (task.labelShares)");

    /// <summary>
    /// The rejection reason of a sample labelled <paramref name="label"/> whose relabel votes named the full
    /// <paramref name="disputed"/> by a majority too small to relabel it.
    /// </summary>
    public static string DisputedReason(string label, string disputed, long limit) =>
        string.Create(CultureInfo.InvariantCulture,
            $"label quota full: the relabel votes' majority names {disputed} (not {label}), which has {limit} of {limit} (task.labelShares)");
}
