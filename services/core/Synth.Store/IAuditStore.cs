using Synth.Contracts.Audit;

namespace Synth.Store;

/// <summary>
/// The audit trail: an append-only record of every command and human label. Kept apart from the job and sample
/// documents, which the stages rewrite, so a record can never be lost to a concurrent write.
/// </summary>
public interface IAuditStore
{
    Task AppendAsync(AuditRecord record, CancellationToken cancellationToken);

    /// <summary>Every record of the job (its samples' labels included), oldest first.</summary>
    Task<IReadOnlyList<AuditRecord>> ForJobAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Every record of one sample, oldest first.</summary>
    Task<IReadOnlyList<AuditRecord>> ForSampleAsync(string sampleId, CancellationToken cancellationToken);

    /// <summary>The ids of the jobs <paramref name="actor"/> submitted, oldest first.</summary>
    Task<IReadOnlyList<string>> JobsSubmittedByAsync(string actor, CancellationToken cancellationToken);
}
