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
