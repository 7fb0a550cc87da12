namespace Synth.Store;

/// <summary>
/// Dataset-wise decomposition's shared state, so every generator instance and every restart of a job grows the same
/// concept tree and keeps each request's conditions: per job, node path → the sub-topics the model gave it (or why
/// it could not), and request index → the conditions it was planned with. A node is claimed before its model call,
/// so one call per node is made however many instances want it; the first completed result is the one kept.
/// </summary>
public interface IConceptTreeStore
{
    /// <summary>
    /// Claims <paramref name="nodePath"/> for <paramref name="instance"/> unless it is already expanded, failed, or
    /// claimed by another instance's live claim (one whose lease has not run out by <paramref name="now"/>); a claim of
    /// <paramref name="instance"/>'s own is left from a run that stopped mid-call and is taken again. Atomic across instances.
    /// </summary>
    /// <returns>Null when the caller now holds the claim and should make the call; otherwise the stored expansion (pending for a live claim of another instance).</returns>
    Task<ConceptExpansionRecord?> TryClaimExpansionAsync(
        string jobId, string nodePath, string instance, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the outcome of a claimed node's call (its status must be Expanded or Failed). First writer wins: when
    /// the node already has an outcome, that one is kept and returned.
    /// </summary>
    Task<ConceptExpansionRecord> CompleteExpansionAsync(ConceptExpansionRecord outcome, CancellationToken cancellationToken);

    /// <summary>Drops the caller's claim on a node whose call was never sent (e.g. the budget refused it).</summary>
    Task ReleaseExpansionAsync(string jobId, string nodePath, string instance, CancellationToken cancellationToken);

    /// <summary>The job's settled nodes (expanded or failed), parents before children (by depth, then path).</summary>
    Task<IReadOnlyList<ConceptExpansionRecord>> GetExpansionsAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Records request <paramref name="requestIndex"/>'s conditions unless it has some; returns the stored ones (first writer wins).</summary>
    Task<IReadOnlyDictionary<string, string>> RecordPlanAsync(
        string jobId, long requestIndex, IReadOnlyDictionary<string, string> conditions, CancellationToken cancellationToken);

    /// <summary>Every recorded plan of the job, by request index.</summary>
    Task<IReadOnlyDictionary<long, IReadOnlyDictionary<string, string>>> GetPlansAsync(string jobId, CancellationToken cancellationToken);
}
