using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Store;

/// <summary>
/// The store every stage writes through. All writes are idempotent upserts keyed by deterministic ids, so an
/// at-least-once redelivery never duplicates anything. Implementations must be safe for concurrent use by
/// several threads and several processes. Every write of a sample stores its <see cref="SampleDocument.Version"/> + 1
/// and sets the written copy's version to it.
/// </summary>
public interface ISampleStore
{
    /// <summary>
    /// Creates tables/collections and indexes if missing, those of every store of the adapter (<see cref="SynthStores"/>),
    /// which share one database. Safe to call from every process at start-up.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task UpsertJobAsync(JobDocument job, CancellationToken cancellationToken);

    Task<JobDocument?> GetJobAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>
    /// Upserts a sample unless the stored copy is already at a later pipeline stage
    /// (<see cref="SampleStates.Ordinal"/>): a stale redelivery never moves a sample back.
    /// </summary>
    /// <returns>True when written; false when the stored copy was further along and was kept.</returns>
    Task<bool> SaveSampleAsync(SampleDocument sample, CancellationToken cancellationToken);

    /// <summary>
    /// Compare-and-set: replaces the stored sample only while its version is still <paramref name="expectedVersion"/>
    /// (the version the caller read), storing version <paramref name="expectedVersion"/> + 1, which is also set on
    /// <paramref name="sample"/>. Whatever was written meanwhile (a reviewer's label, another stage) is never overwritten.
    /// </summary>
    /// <returns>True when written; false when the stored version differs or the sample is not stored (read it again).</returns>
    Task<bool> TryReplaceSampleAsync(SampleDocument sample, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="TryReplaceSampleAsync"/> for many samples as one write (one transaction or bulk write), each with its
    /// own compare-and-set, applied in order: one sample's conflict does not stop the others. This default writes one by
    /// one; adapters write the batch at once.
    /// </summary>
    /// <returns>Per replacement, in order: true when written.</returns>
    async Task<IReadOnlyList<bool>> TryReplaceSamplesAsync(IReadOnlyList<SampleReplacement> replacements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        var written = new bool[replacements.Count];
        for (var i = 0; i < replacements.Count; i++)
        {
            written[i] = await TryReplaceSampleAsync(replacements[i].Sample, replacements[i].ExpectedVersion, cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    /// <summary>Saves a request's samples and its ledger record together, so a request is never half stored.</summary>
    Task SaveRequestAsync(RequestRecord request, IReadOnlyList<SampleDocument> samples, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="SaveRequestAsync"/> for many requests as one write where the adapter can (one transaction), so
    /// requests finishing together take the store's write lock once. Each request is still never half stored. This
    /// default saves them side by side, each as <see cref="SaveRequestAsync"/>.
    /// </summary>
    Task SaveRequestsAsync(IReadOnlyList<RequestWrite> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return Task.WhenAll(requests.Select(r => SaveRequestAsync(r.Request, r.Samples, cancellationToken)));
    }

    Task<SampleDocument?> GetSampleAsync(string sampleId, CancellationToken cancellationToken);

    /// <summary><see cref="GetSampleAsync"/> for many ids in one read (this default reads one by one; adapters read at once).</summary>
    /// <returns>Per id, in order: the stored sample, or null.</returns>
    async Task<IReadOnlyList<SampleDocument?>> GetSamplesAsync(IReadOnlyList<string> sampleIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sampleIds);
        var samples = new SampleDocument?[sampleIds.Count];
        for (var i = 0; i < sampleIds.Count; i++)
        {
            samples[i] = await GetSampleAsync(sampleIds[i], cancellationToken).ConfigureAwait(false);
        }

        return samples;
    }

    Task<RequestRecord?> GetRequestAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Indexes of the job's requests that have a ledger record (succeeded or failed).</summary>
    Task<IReadOnlySet<long>> GetRecordedRequestIndexesAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>
    /// Indexes from <paramref name="from"/> to <paramref name="to"/> - 1 of the job's requests that have a ledger
    /// record: what a claimed block still has to send, read without the whole job's ledger.
    /// </summary>
    Task<IReadOnlySet<long>> GetRecordedRequestIndexesAsync(string jobId, long from, long to, CancellationToken cancellationToken);

    /// <summary>Keyset paging in id order: pass the previous page's <see cref="Page{T}.NextAfterId"/>.</summary>
    Task<Page<SampleDocument>> QuerySamplesAsync(SampleQuery query, CancellationToken cancellationToken);

    Task<JobCounts> CountAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Idempotent by <see cref="FailureDocument.Id"/>.</summary>
    Task SaveFailureAsync(FailureDocument failure, CancellationToken cancellationToken);

    Task<Page<FailureDocument>> QueryFailuresAsync(string jobId, string? afterId, int limit, CancellationToken cancellationToken);
}
