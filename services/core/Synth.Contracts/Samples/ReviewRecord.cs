namespace Synth.Contracts.Samples;

public sealed class ReviewRecord
{
    public ReviewStatus Status { get; set; } = ReviewStatus.Pending;
    public string? Reviewer { get; set; }
    public string? Label { get; set; }
    public double Priority { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>Why the sample was queued (its confidence and the signal behind it).</summary>
    public string? Reason { get; set; }
    /// <summary>The labels the automated methods proposed, with their confidences, shown to the reviewer.</summary>
    public List<ReviewCandidateLabel> Candidates { get; set; } = [];
    /// <summary>The reviewer holding the task; with <see cref="LeaseExpiresAt"/> keeps two reviewers off one sample.</summary>
    public string? LeasedBy { get; set; }
    /// <summary>Random token the lease holder submits with the label; a lease taken over by another reviewer has a new one.</summary>
    public string? LeaseToken { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
}
