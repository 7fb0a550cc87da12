using MassTransit;
using Microsoft.Extensions.Options;
using Synth.Contracts.Jobs;
using Synth.Jobs;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.ControlPlane;

/// <summary>Checks a command against the stored job, then hands it to the job state machine over the bus.</summary>
public sealed class JobControl(ISampleStore store, IBus bus, IOptions<ControlPlaneOptions> options,
    IOptions<ModelConnectionsOptions> connections, TimeProvider time) : IJobControl
{
    private static readonly JobState[] Finished = [JobState.Completed, JobState.Cancelled, JobState.Failed];

    public Task<JobDocument> SubmitAsync(string specText, string sourceName, SpecSource source, CancellationToken cancellationToken) =>
        SubmitAsync(specText, sourceName, new SpecPolicy(source, connections.Value), cancellationToken);

    public Task<JobDocument> SubmitAsync(string specText, string sourceName, IReadOnlyCollection<string> allowedConnections, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allowedConnections);
        var allowed = allowedConnections.Count == 0
            ? connections.Value
            : connections.Value.Where(c => allowedConnections.Contains(c.Key, StringComparer.Ordinal)).ToDictionary(StringComparer.Ordinal);
        return SubmitAsync(specText, sourceName, new SpecPolicy(SpecSource.Api, allowed), cancellationToken);
    }

    private async Task<JobDocument> SubmitAsync(string specText, string sourceName, SpecPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specText);
        var root = Path.GetFullPath(options.Value.JobFilesRoot);
        // Connections are resolved here, into the stored spec, so every stage runs it as it stands.
        var spec = specText.AsSpan().TrimStart().StartsWith("{")
            ? JobSpecLoader.ParseJson(specText, sourceName, root, policy: policy)
            : JobSpecLoader.Parse(specText, sourceName, root, policy: policy);
        var jobId = JobIds.Derive(spec);
        var hash = JobSpecLoader.Hash(specText);
        var existing = await store.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            if (existing.SpecHash != hash)
            {
                throw new JobTransitionException(jobId, existing.State, "resubmitted with a different spec (give the new spec another id or name)");
            }

            if (existing.Spec is null)
            {
                // A document from before jobs kept their normalised spec: the same spec resubmitted supplies it.
                existing.Spec = spec;
                existing.SchemaVersion = JobDocument.CurrentSchemaVersion;
                await store.UpsertJobAsync(existing, cancellationToken).ConfigureAwait(false);
            }

            return existing;
        }

        var now = time.GetUtcNow();
        var job = new JobDocument
        {
            Id = jobId,
            Name = spec.Name,
            Spec = spec,
            SpecText = specText,
            SpecHash = hash,
            State = JobState.Submitted,
            TargetCount = spec.Generation.Target,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await store.UpsertJobAsync(job, cancellationToken).ConfigureAwait(false);
        var budget = spec.Budget;
        await bus.Publish(new SubmitJob(JobCorrelation.Of(jobId), jobId, spec.Generation.Target,
            new JobBudgetLimits(budget.MaxRequests, budget.MaxTokens, budget.MaxCostUsd)), cancellationToken).ConfigureAwait(false);
        return job;
    }

    public async Task PauseAsync(string jobId, CancellationToken cancellationToken)
    {
        await RequireStateAsync(jobId, "paused", cancellationToken, JobState.Submitted, JobState.Generating).ConfigureAwait(false);
        await bus.Publish(new PauseJob(JobCorrelation.Of(jobId), jobId), cancellationToken).ConfigureAwait(false);
    }

    public async Task ResumeAsync(string jobId, CancellationToken cancellationToken)
    {
        await RequireStateAsync(jobId, "resumed", cancellationToken, JobState.Paused).ConfigureAwait(false);
        await bus.Publish(new ResumeJob(JobCorrelation.Of(jobId), jobId), cancellationToken).ConfigureAwait(false);
    }

    public async Task CancelAsync(string jobId, string? reason, CancellationToken cancellationToken)
    {
        await RequireStateAsync(jobId, "cancelled", cancellationToken,
            Enum.GetValues<JobState>().Except(Finished).ToArray()).ConfigureAwait(false);
        await bus.Publish(new CancelJob(JobCorrelation.Of(jobId), jobId, reason), cancellationToken).ConfigureAwait(false);
    }

    public async Task ChangeTargetAsync(string jobId, int targetCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetCount);
        await RequireStateAsync(jobId, "given a new target", cancellationToken,
            JobState.Submitted, JobState.Generating, JobState.Draining, JobState.Paused).ConfigureAwait(false);
        await bus.Publish(new ChangeJobTarget(JobCorrelation.Of(jobId), jobId, targetCount), cancellationToken).ConfigureAwait(false);
    }

    private async Task RequireStateAsync(string jobId, string command, CancellationToken cancellationToken, params JobState[] allowed)
    {
        var job = await store.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false) ?? throw new UnknownJobException(jobId);
        if (!allowed.Contains(job.State))
        {
            throw new JobTransitionException(jobId, job.State, command);
        }
    }
}
