namespace Synth.Store;

/// <summary>An indexed sample; <see cref="Sequence"/> is its write order within the store.</summary>
public sealed record DedupStoredEntry(long Sequence, string SampleId, IReadOnlyList<string> Shingles, float[]? Embedding);
