using Synth.Contracts.Jobs;
using Synth.Jobs;
using Synth.Store;

namespace Synth.Pipeline;

public static class JobDocuments
{
    /// <summary>Stores a job's spec (normalised, and <paramref name="specText"/> as written) and state, keeping its original creation time.</summary>
    public static async Task SaveAsync(ISampleStore store, PipelineJob job, string specText, JobState state, TimeProvider time, CancellationToken cancellationToken, string? reason = null)
    {
        var existing = await store.GetJobAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        await store.UpsertJobAsync(new JobDocument
        {
            Id = job.JobId,
            Name = job.Spec.Name,
            Spec = job.Spec,
            SpecText = specText,
            SpecHash = JobSpecLoader.Hash(specText),
            State = state,
            StateReason = reason,
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
        }, cancellationToken).ConfigureAwait(false);
    }
}
