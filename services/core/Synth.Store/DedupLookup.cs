namespace Synth.Store;

/// <param name="OwnEntry">This sample id's entry when it was indexed before (a redelivery).</param>
/// <param name="ExactOwner">The sample that claimed the exact hash first; null when unclaimed.</param>
/// <param name="BandCandidates">Entries sharing a band key, in write order (shingles, no embeddings).</param>
/// <param name="Vectors">Entries with embeddings after the asked sequence, in write order (no shingles).</param>
public sealed record DedupLookup(DedupStoredEntry? OwnEntry, string? ExactOwner, IReadOnlyList<DedupStoredEntry> BandCandidates, IReadOnlyList<DedupStoredEntry> Vectors);
