using Synth.Contracts.Jobs;
using Synth.Jobs;

namespace Synth.ControlPlane;

/// <summary>
/// What the API and the CLI do to jobs. Commands are checked against the stored job, then sent to the job state
/// machine, which makes the transition (asynchronously: read the job document for the new state).
/// </summary>
public interface IJobControl
{
    /// <summary>Validates the spec (YAML or JSON), stores the job and starts it; submitting the same job again returns it unchanged.</summary>
    /// <param name="source">
    /// Who wrote the spec: <see cref="Synth.Jobs.SpecSource.Api"/> allows only the configured named connections and
    /// files under ControlPlane:JobFilesRoot.
    /// </param>
    /// <exception cref="Synth.Jobs.JobSpecException">The spec is invalid or names what its source may not; the message names line and field.</exception>
    Task<JobDocument> SubmitAsync(string specText, string sourceName, SpecSource source, CancellationToken cancellationToken);

    /// <summary>
    /// Submits a spec from the API (<see cref="Synth.Jobs.SpecSource.Api"/>) by a key that may name only
    /// <paramref name="allowedConnections"/> of the configured connections; every one when it is empty.
    /// </summary>
    /// <inheritdoc cref="SubmitAsync(string, string, SpecSource, CancellationToken)" path="/exception"/>
    Task<JobDocument> SubmitAsync(string specText, string sourceName, IReadOnlyCollection<string> allowedConnections, CancellationToken cancellationToken);

    /// <exception cref="Synth.Pipeline.UnknownJobException">No such job.</exception>
    /// <exception cref="JobTransitionException">The job's state does not allow it (e.g. it is completed).</exception>
    Task PauseAsync(string jobId, CancellationToken cancellationToken);

    /// <inheritdoc cref="PauseAsync"/>
    Task ResumeAsync(string jobId, CancellationToken cancellationToken);

    /// <inheritdoc cref="PauseAsync"/>
    Task CancelAsync(string jobId, string? reason, CancellationToken cancellationToken);

    /// <summary>Changes how many samples the job generates; raising it reopens generation of a draining job.</summary>
    /// <inheritdoc cref="PauseAsync"/>
    Task ChangeTargetAsync(string jobId, int targetCount, CancellationToken cancellationToken);
}
