using MongoDB.Driver;
using Synth.Contracts.Samples;

namespace Synth.Store.Mongo;

/// <summary>
/// The review queue on the samples collection: leasing is one atomic findOneAndUpdate (so two reviewers never get one
/// task); completing is read, check, change, then a compare-and-set on the version read, retried when a stage wrote
/// the sample between. Both write a new version, so a stage that read the sample before does not overwrite them.
/// </summary>
public sealed class MongoReviewStore(MongoDatabaseContext context, ISampleStore samples) : IReviewStore
{
    private const int MaxCompletionAttempts = 5;

    public async Task<ReviewLease?> LeaseNextReviewAsync(string? jobId, string reviewer, DateTimeOffset now, TimeSpan leaseFor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseFor, TimeSpan.Zero);
        var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var expiresAt = now + leaseFor;
        var sample = await context.Samples.FindOneAndUpdateAsync(
            MongoReviewQueries.Leasable(jobId, now),
            MongoReviewQueries.Lease(reviewer, token, expiresAt),
            new FindOneAndUpdateOptions<SampleDocument> { Sort = MongoReviewQueries.QueueOrder, ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return sample is null ? null : new ReviewLease(sample, token, expiresAt);
    }

    public async Task<ReviewCompletion> CompleteReviewAsync(string sampleId, string leaseToken, Action<SampleDocument> complete, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sampleId);
        ArgumentNullException.ThrowIfNull(leaseToken);
        ArgumentNullException.ThrowIfNull(complete);
        for (var attempt = 1; ; attempt++)
        {
            var sample = await context.Samples.Find(x => x.Id == sampleId).FirstOrDefaultAsync(cancellationToken);
            if (ReviewLeases.Refusal(sample, leaseToken) is { } refusal)
            {
                return new ReviewCompletion(refusal, sample);
            }

            var state = sample!.State;
            complete(sample);
            sample.State = state;
            if (await samples.TryReplaceSampleAsync(sample, sample.Version, cancellationToken))
            {
                return new ReviewCompletion(ReviewCompletionStatus.Completed, sample);
            }

            if (attempt == MaxCompletionAttempts)
            {
                throw new InvalidOperationException($"Sample '{sampleId}' kept changing while its review was completed ({attempt} attempts); try again.");
            }
        }
    }

    public async Task<ReviewProgress> GetReviewProgressAsync(string jobId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var pending = await context.Samples.CountDocumentsAsync(MongoReviewQueries.Leasable(jobId, now), cancellationToken: cancellationToken);
        var leased = await context.Samples.CountDocumentsAsync(MongoReviewQueries.Leased(jobId, now), cancellationToken: cancellationToken);
        var labelled = await context.Samples.CountDocumentsAsync(MongoReviewQueries.Answered(jobId, ReviewStatus.Labelled), cancellationToken: cancellationToken);
        var rejected = await context.Samples.CountDocumentsAsync(MongoReviewQueries.Answered(jobId, ReviewStatus.Rejected), cancellationToken: cancellationToken);
        return new ReviewProgress(pending, leased, labelled, rejected);
    }

    /// <summary>Called by <see cref="MongoDatabaseContext.InitializeAsync"/>.</summary>
    internal static Task CreateIndexesAsync(MongoDatabaseContext context, CancellationToken cancellationToken) =>
        context.Samples.Indexes.CreateManyAsync(MongoReviewQueries.Indexes(), cancellationToken);
}
