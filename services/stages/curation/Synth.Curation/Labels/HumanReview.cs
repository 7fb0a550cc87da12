using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

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

    /// <summary>
    /// Records that the reviewer removed the sample from the dataset. Its label and pipeline state stay as they were,
    /// for its lineage; the curated topic gets a tombstone for it (CuratedRecords.Current).
    /// </summary>
    public static void Reject(SampleDocument sample, string reviewer, DateTimeOffset at, string? reason = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        var review = sample.Review ??= new ReviewRecord { RequestedAt = at };
        review.Status = ReviewStatus.Rejected;
        review.Reviewer = reviewer;
        review.Label = null;
        review.CompletedAt = at;
        if (reason is not null)
        {
            review.Reason = reason;
        }
    }
}
