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
}

/// <param name="Scope">The index the sample is checked against and added to.</param>
/// <param name="ExactHash">Hash of the normal form; the first sample to claim it owns it.</param>
/// <param name="BandKeys">LSH band keys of the MinHash signature.</param>
/// <param name="Shingles">The shingle set, kept so a candidate can be verified by exact Jaccard.</param>
/// <param name="Embedding">For semantic dedup; null when not computed.</param>
public sealed record DedupKeys(string Scope, string SampleId, string ExactHash, IReadOnlyList<string> BandKeys, IReadOnlyList<string> Shingles, float[]? Embedding);

/// <param name="VectorsAfterSequence">Return the scope's stored embeddings written after this sequence number
/// (a caller caching vectors passes the last one it has); null returns none.</param>
public sealed record DedupLookupOptions(long? VectorsAfterSequence);

/// <summary>An indexed sample; <see cref="Sequence"/> is its write order within the store.</summary>
public sealed record DedupStoredEntry(long Sequence, string SampleId, IReadOnlyList<string> Shingles, float[]? Embedding);

/// <param name="OwnEntry">This sample id's entry when it was indexed before (a redelivery).</param>
/// <param name="ExactOwner">The sample that claimed the exact hash first; null when unclaimed.</param>
/// <param name="BandCandidates">Entries sharing a band key, in write order (shingles, no embeddings).</param>
/// <param name="Vectors">Entries with embeddings after the asked sequence, in write order (no shingles).</param>
public sealed record DedupLookup(DedupStoredEntry? OwnEntry, string? ExactOwner, IReadOnlyList<DedupStoredEntry> BandCandidates, IReadOnlyList<DedupStoredEntry> Vectors);

/// <param name="Record">True to add the sample to the index (it duplicates nothing).</param>
public sealed record DedupOutcome<T>(T Result, bool Record);
