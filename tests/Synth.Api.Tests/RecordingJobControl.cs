using System.Collections.Concurrent;
using Synth.ControlPlane;
using Synth.Contracts.Jobs;
using Synth.Jobs;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api.Tests;

/// <summary>
/// Test double of the control plane for the endpoint tests: specs are parsed and validated by the real
/// <see cref="JobSpecLoader"/> and jobs stored in the real store; transitions follow a small table (running jobs may be
/// paused or cancelled, paused ones resumed or cancelled, finished ones nothing) and are applied at once.
/// </summary>
public sealed class RecordingJobControl(ISampleStore store, TimeProvider time) : IJobControl
{
    public ConcurrentQueue<string> Commands { get; } = new();

    public async Task<JobDocument> SubmitAsync(string specText, string sourceName, CancellationToken cancellationToken)
    {
        var spec = specText.TrimStart().StartsWith('{')
            ? JobSpecLoader.ParseJson(specText, sourceName, requireFiles: false)
            : JobSpecLoader.Parse(specText, sourceName, requireFiles: false);
        var id = JobIds.Derive(spec);
        if (await store.GetJobAsync(id, cancellationToken) is { } existing)
        {
            return existing;
        }

        var now = time.GetUtcNow();
        var job = new JobDocument
        {
            Id = id,
            Name = spec.Name,
            SpecText = specText,
            SpecHash = JobSpecLoader.Hash(specText),
            State = JobState.Generating,
            TargetCount = spec.Generation.Target,
            CreatedAt = now,
            UpdatedAt = now,
            Transitions = [new JobTransition(JobState.Submitted, JobState.Generating, now, "submitted")],
        };
        await store.UpsertJobAsync(job, cancellationToken);
        Commands.Enqueue($"submit {id}");
        return job;
    }

    public Task PauseAsync(string jobId, CancellationToken cancellationToken) =>
        TransitionAsync(jobId, "paused", [JobState.Generating, JobState.Draining], JobState.Paused, null, cancellationToken);

    public Task ResumeAsync(string jobId, CancellationToken cancellationToken) =>
        TransitionAsync(jobId, "resumed", [JobState.Paused], JobState.Generating, null, cancellationToken);

    public Task CancelAsync(string jobId, string? reason, CancellationToken cancellationToken) =>
        TransitionAsync(jobId, "cancelled", [JobState.Submitted, JobState.Generating, JobState.Draining, JobState.Evaluating, JobState.Paused], JobState.Cancelled, reason, cancellationToken);

    public async Task ChangeTargetAsync(string jobId, int targetCount, CancellationToken cancellationToken)
    {
        var job = await store.GetJobAsync(jobId, cancellationToken) ?? throw new UnknownJobException(jobId);
        job.TargetCount = targetCount;
        await store.UpsertJobAsync(job, cancellationToken);
        Commands.Enqueue($"target {jobId} {targetCount}");
    }

    private async Task TransitionAsync(string jobId, string command, JobState[] from, JobState to, string? reason, CancellationToken cancellationToken)
    {
        var job = await store.GetJobAsync(jobId, cancellationToken) ?? throw new UnknownJobException(jobId);
        if (!from.Contains(job.State))
        {
            throw new JobTransitionException(jobId, job.State, command);
        }

        job.Transitions.Add(new JobTransition(job.State, to, time.GetUtcNow(), reason ?? command));
        (job.State, job.StateReason) = (to, reason);
        await store.UpsertJobAsync(job, cancellationToken);
        Commands.Enqueue($"{command} {jobId}");
    }
}
