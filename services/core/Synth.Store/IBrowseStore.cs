using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Store;

/// <summary>
/// What the API and web UI read to show jobs and let a person look through samples. Implemented by the same store
/// objects as <see cref="ISampleStore"/>; every listing is keyset-paged in id order, so paging while stages write
/// never skips or repeats an item that was there when paging began.
/// </summary>
public interface IBrowseStore
{
    /// <summary>All jobs in id order: pass the previous page's <see cref="Page{T}.NextAfterId"/>.</summary>
    Task<Page<JobDocument>> ListJobsAsync(string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>A job's samples that match every filter of <paramref name="query"/>, in id order.</summary>
    Task<Page<SampleDocument>> BrowseSamplesAsync(SampleBrowseQuery query, CancellationToken cancellationToken);
}
