using Synth.Contracts.Samples;

namespace Synth.Store;

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
