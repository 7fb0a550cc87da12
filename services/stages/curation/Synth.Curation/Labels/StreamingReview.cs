using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

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
