using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

/// <summary>A sample's confidence in its current label (vote agreement, the student's probability, …).</summary>
public sealed record ReviewCandidate(string SampleId, double Confidence);

/// <param name="Priority">1 − confidence: the review queue serves the highest first.</param>
public sealed record ReviewTask(string SampleId, double Priority);

/// <summary>How much human review a set may get: at most a fraction of it and/or a count; the smaller wins.</summary>
public sealed record ReviewBudget(double? MaxFraction = null, int? MaxCount = null);

/// <summary>Selective annotation: the least confident samples go to people, up to the budget.</summary>
public static class ReviewSelector
{
    /// <summary>
    /// Least confident first (ties by ordinal sample id); ⌊fraction · n⌋ and the count cap how many. Samples at or
    /// above <paramref name="maxConfidence"/> are confident enough never to need review.
    /// </summary>
    public static IReadOnlyList<ReviewTask> Select(IReadOnlyCollection<ReviewCandidate> candidates, ReviewBudget budget, double maxConfidence = 1)
    {
        var limit = Math.Min(
            budget.MaxFraction is { } fraction ? (int)Math.Floor(Math.Clamp(fraction, 0, 1) * candidates.Count) : int.MaxValue,
            budget.MaxCount is { } count ? Math.Max(count, 0) : int.MaxValue);
        return [.. candidates
            .Where(candidate => candidate.Confidence < maxConfidence)
            .OrderBy(candidate => candidate.Confidence)
            .ThenBy(candidate => candidate.SampleId, StringComparer.Ordinal)
            .Take(limit)
            .Select(candidate => new ReviewTask(candidate.SampleId, 1 - candidate.Confidence))];
    }
}

/// <summary>The review record on a sample: queued, then answered by a person whose label wins.</summary>
public static class HumanReview
{
    public static void Request(SampleDocument sample, ReviewTask task, DateTimeOffset at) =>
        sample.Review = new ReviewRecord { Status = ReviewStatus.Pending, Priority = task.Priority, RequestedAt = at };

    /// <summary>
    /// Records the reviewer's label and makes it the sample's label. A confirmation (same label) is recorded too, so
    /// the history shows a person checked it.
    /// </summary>
    public static LabelChange Submit(SampleDocument sample, string label, string reviewer, DateTimeOffset at, string? reason = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        var review = sample.Review ??= new ReviewRecord { RequestedAt = at };
        review.Status = ReviewStatus.Labelled;
        review.Reviewer = reviewer;
        review.Label = label;
        review.CompletedAt = at;

        var change = new LabelChange
        {
            From = sample.Content.Label,
            To = label,
            Method = LabelMethod.HumanReview,
            By = reviewer,
            Confidence = 1,
            Reason = reason ?? (label == sample.Content.Label ? "reviewer confirmed the label" : "reviewer corrected the label"),
            At = at,
        };
        LabelMethods.Apply(sample, change);
        return change;
    }
}

/// <summary>Selective annotation in a stream: each sample is decided as it comes, against the budget so far.</summary>
public static class StreamingReview
{
    /// <summary>
    /// The review tasks a job may have once <paramref name="decided"/> samples were decided: ⌊fraction · decided⌋ and
    /// the count, the smaller wins — the same caps <see cref="ReviewSelector.Select"/> applies to a whole set.
    /// </summary>
    public static long Limit(ReviewBudget budget, long decided) => Math.Min(
        budget.MaxFraction is { } fraction ? (long)Math.Floor(Math.Clamp(fraction, 0, 1) * Math.Max(decided, 0)) : long.MaxValue,
        budget.MaxCount is { } count ? Math.Max(count, 0) : long.MaxValue);

    /// <summary>Whether a sample with this confidence (or a flag) goes to review, given the tasks the job already has.</summary>
    public static bool ShouldQueue(double confidence, bool flagged, double maxConfidence, ReviewBudget budget, long queued, long decided) =>
        (flagged || confidence < maxConfidence) && queued < Limit(budget, decided);
}
