using System.Collections.Concurrent;
using Synth.Store;

namespace Synth.Pipeline;

/// <summary>
/// Resolves a job id to its spec from the store, once per process: stage services serve every job and learn of a job
/// from the samples that reach them.
/// </summary>
public sealed class JobCatalog(ISampleStore store)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<PipelineJob>>> _jobs = new(StringComparer.Ordinal);

    public Task<PipelineJob> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        var entry = _jobs.GetOrAdd(jobId, id => new Lazy<Task<PipelineJob>>(() => LoadAsync(id, cancellationToken)));
        var task = entry.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            // A failed load (e.g. the job was not stored yet) is retried on the next call, not cached.
            _jobs.TryRemove(new KeyValuePair<string, Lazy<Task<PipelineJob>>>(jobId, entry));
        }

        return task;
    }

    /// <summary>Registers a job already at hand (the process that submitted it).</summary>
    public void Add(PipelineJob job) =>
        _jobs[job.JobId] = new Lazy<Task<PipelineJob>>(Task.FromResult(job));

    private async Task<PipelineJob> LoadAsync(string jobId, CancellationToken cancellationToken)
    {
        var document = await store.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false)
            ?? throw new UnknownJobException(jobId);
        return new PipelineJob(jobId, document.RequireSpec());
    }
}
