using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

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
