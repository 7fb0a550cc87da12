using Synth.Contracts.Samples;

namespace Synth.Store;

/// <summary>
/// The human review queue: samples whose <see cref="SampleDocument.Review"/> is pending, served most uncertain first
/// (highest <see cref="ReviewRecord.Priority"/>, then id), each leased to one reviewer at a time. Implemented by the
/// same store objects as <see cref="ISampleStore"/>; safe for several processes on one store.
/// </summary>
public interface IReviewStore
{
    /// <summary>
    /// Leases the highest-priority pending task whose lease is free or expired (of one job, or any job) to
    /// <paramref name="reviewer"/> until <paramref name="now"/> + <paramref name="leaseFor"/>.
    /// </summary>
    /// <returns>The leased sample, or null when no task is free.</returns>
    Task<ReviewLease?> LeaseNextReviewAsync(string? jobId, string reviewer, DateTimeOffset now, TimeSpan leaseFor, CancellationToken cancellationToken);

    /// <summary>
    /// Completes a leased task atomically: the stored sample is read, checked (exists, review pending, the lease token
    /// still current), changed by <paramref name="complete"/> and written back in place. The pipeline state is kept
    /// as stored, never moved back.
    /// </summary>
    Task<ReviewCompletion> CompleteReviewAsync(string sampleId, string leaseToken, Action<SampleDocument> complete, CancellationToken cancellationToken);

    /// <summary>How far a job's review queue has got.</summary>
    Task<ReviewProgress> GetReviewProgressAsync(string jobId, DateTimeOffset now, CancellationToken cancellationToken);
}

public sealed record ReviewLease(SampleDocument Sample, string LeaseToken, DateTimeOffset ExpiresAt);

public enum ReviewCompletionStatus
{
    Completed = 1,
    NotFound = 2,
    /// <summary>The sample has no pending review (never queued, or already answered).</summary>
    NotPending = 3,
    /// <summary>The lease token is not the current one: the lease expired and another reviewer took the task.</summary>
    LeaseNotHeld = 4,
}

/// <param name="Sample">The sample as stored after completion (or as found, when refused); null when not found.</param>
public sealed record ReviewCompletion(ReviewCompletionStatus Status, SampleDocument? Sample);

/// <param name="Pending">Waiting and free to lease.</param>
/// <param name="Leased">Pending but held by a reviewer whose lease has not expired.</param>
/// <param name="Labelled">Answered by a reviewer.</param>
public sealed record ReviewProgress(long Pending, long Leased, long Labelled)
{
    public long Total => Pending + Leased + Labelled;
}

/// <summary>The lease bookkeeping both store implementations share.</summary>
public static class ReviewLeases
{
    public static bool IsFree(ReviewRecord review, DateTimeOffset now) =>
        review.LeaseExpiresAt is not { } expires || expires <= now;

    /// <summary>Marks the review leased to <paramref name="reviewer"/> with a fresh random token.</summary>
    public static ReviewLease Take(SampleDocument sample, string reviewer, DateTimeOffset now, TimeSpan leaseFor)
    {
        var review = sample.Review ?? throw new InvalidOperationException($"Sample '{sample.Id}' has no review to lease.");
        review.LeasedBy = reviewer;
        review.LeaseToken = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        review.LeaseExpiresAt = now + leaseFor;
        return new ReviewLease(sample, review.LeaseToken, review.LeaseExpiresAt.Value);
    }

    /// <summary>Why a completion is refused, or null when the sample may be completed under this token.</summary>
    public static ReviewCompletionStatus? Refusal(SampleDocument? sample, string leaseToken) =>
        sample is null ? ReviewCompletionStatus.NotFound
        : sample.Review is not { Status: ReviewStatus.Pending } ? ReviewCompletionStatus.NotPending
        : sample.Review.LeaseToken != leaseToken ? ReviewCompletionStatus.LeaseNotHeld
        : null;
}
