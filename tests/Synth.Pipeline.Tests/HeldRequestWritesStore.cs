using System.Collections.Concurrent;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Store;

namespace Synth.Pipeline.Tests;

/// <summary>
/// A store whose first batch of request writes waits for <see cref="Release"/>, and which records how many requests
/// each batch held: what arrives meanwhile must form the next batch.
/// </summary>
public sealed class HeldRequestWritesStore(ISampleStore inner) : ISampleStore
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<int> _batchSizes = new();

    public IReadOnlyList<int> BatchSizes => [.. _batchSizes];

    public void Release() => _released.TrySetResult();

    public async Task SaveRequestsAsync(IReadOnlyList<RequestWrite> requests, CancellationToken cancellationToken)
    {
        _batchSizes.Enqueue(requests.Count);
        await _released.Task.WaitAsync(cancellationToken);
        await inner.SaveRequestsAsync(requests, cancellationToken);
    }

    public Task SaveRequestAsync(RequestRecord request, IReadOnlyList<SampleDocument> samples, CancellationToken cancellationToken) =>
        SaveRequestsAsync([new RequestWrite(request, samples)], cancellationToken);

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task UpsertJobAsync(JobDocument job, CancellationToken cancellationToken) => inner.UpsertJobAsync(job, cancellationToken);

    public Task<JobDocument?> GetJobAsync(string jobId, CancellationToken cancellationToken) => inner.GetJobAsync(jobId, cancellationToken);

    public Task<bool> SaveSampleAsync(SampleDocument sample, CancellationToken cancellationToken) => inner.SaveSampleAsync(sample, cancellationToken);

    public Task<bool> TryReplaceSampleAsync(SampleDocument sample, long expectedVersion, CancellationToken cancellationToken) =>
        inner.TryReplaceSampleAsync(sample, expectedVersion, cancellationToken);

    public Task<SampleDocument?> GetSampleAsync(string sampleId, CancellationToken cancellationToken) => inner.GetSampleAsync(sampleId, cancellationToken);

    public Task<RequestRecord?> GetRequestAsync(string requestId, CancellationToken cancellationToken) => inner.GetRequestAsync(requestId, cancellationToken);

    public Task<IReadOnlySet<long>> GetRecordedRequestIndexesAsync(string jobId, CancellationToken cancellationToken) =>
        inner.GetRecordedRequestIndexesAsync(jobId, cancellationToken);

    public Task<IReadOnlySet<long>> GetRecordedRequestIndexesAsync(string jobId, long from, long to, CancellationToken cancellationToken) =>
        inner.GetRecordedRequestIndexesAsync(jobId, from, to, cancellationToken);

    public Task<Page<SampleDocument>> QuerySamplesAsync(SampleQuery query, CancellationToken cancellationToken) => inner.QuerySamplesAsync(query, cancellationToken);

    public Task<JobCounts> CountAsync(string jobId, CancellationToken cancellationToken) => inner.CountAsync(jobId, cancellationToken);

    public Task SaveFailureAsync(FailureDocument failure, CancellationToken cancellationToken) => inner.SaveFailureAsync(failure, cancellationToken);

    public Task<Page<FailureDocument>> QueryFailuresAsync(string jobId, string? afterId, int limit, CancellationToken cancellationToken) =>
        inner.QueryFailuresAsync(jobId, afterId, limit, cancellationToken);
}
