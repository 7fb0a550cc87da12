namespace Synth.Store;

/// <summary>
/// The filter's dedup index and judge budget, kept in the store so they hold across filter instances, restarts and
/// (with a dataset scope) jobs. A scope is an opaque key ("job:&lt;id&gt;" or "dataset:&lt;name&gt;"); entries of
/// one scope never see another's.
/// </summary>
public interface IDedupStore
{
    /// <summary>
    /// Looks up what the store holds for <paramref name="keys"/>, lets <paramref name="decide"/> judge it, and records
    /// the entry (its exact hash if unclaimed, band keys, shingles and embedding) when the outcome says so — all as
    /// one atomic step per scope, so two concurrent callers with similar texts are decided one after the other and
    /// the first writer wins. <paramref name="decide"/> may run more than once when a concurrent writer forces a retry.
    /// </summary>
    Task<T> CheckAndAddAsync<T>(DedupKeys keys, DedupLookupOptions options, Func<DedupLookup, DedupOutcome<T>> decide, CancellationToken cancellationToken);

    /// <summary>Takes one unit of the named counter if fewer than <paramref name="limit"/> were taken; false when spent.</summary>
    Task<bool> TryConsumeAsync(string counter, long limit, CancellationToken cancellationToken);

    /// <summary>
    /// Grants <paramref name="claimant"/> one of the <paramref name="limit"/> slots of the named quota if it holds
    /// none and fewer than <paramref name="limit"/> are granted; true when it holds one (now or from an earlier call),
    /// so a redelivered sample re-uses its grant instead of taking a second. One atomic step across instances.
    /// </summary>
    Task<bool> TryClaimSlotAsync(string quota, string claimant, long limit, CancellationToken cancellationToken);

    /// <summary>How many slots of the named quota are granted (0 for a quota never claimed).</summary>
    Task<long> CountSlotsAsync(string quota, CancellationToken cancellationToken);
}
