using System.Security.Claims;
using Synth.Contracts.Audit;
using Synth.Contracts.Jobs;
using Synth.Store;

namespace Synth.Api;

/// <summary>Records what each key does (docs/security.md, "Audit trail"), and how many jobs a key has running.</summary>
public sealed class AuditTrail(IAuditStore audit, ISampleStore store, TimeProvider time)
{
    /// <summary>Job states that count against a key's running-jobs cap.</summary>
    private static readonly JobState[] Running = [JobState.Submitted, JobState.Generating, JobState.Draining, JobState.Evaluating];

    public Task RecordAsync(ClaimsPrincipal user, AuditAction action, string jobId, CancellationToken cancellationToken, string? sampleId = null, string? detail = null) =>
        audit.AppendAsync(AuditRecord.Create(time.GetUtcNow(), ActorOf(user), action, jobId, sampleId, detail), cancellationToken);

    /// <summary>Records a dataset upload, which belongs to no job (its job id is empty).</summary>
    public Task RecordDatasetAsync(ClaimsPrincipal user, string detail, CancellationToken cancellationToken) =>
        audit.AppendAsync(AuditRecord.Create(time.GetUtcNow(), ActorOf(user), AuditAction.UploadDataset, jobId: "", detail: detail), cancellationToken);

    public async Task<int> RunningJobsOfAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var running = 0;
        foreach (var jobId in await audit.JobsSubmittedByAsync(ActorOf(user), cancellationToken))
        {
            if (await store.GetJobAsync(jobId, cancellationToken) is { } job && Running.Contains(job.State))
            {
                running++;
            }
        }

        return running;
    }

    private static string ActorOf(ClaimsPrincipal user) =>
        user.Identity?.Name ?? throw new InvalidOperationException("An audited call needs an authenticated key.");
}
