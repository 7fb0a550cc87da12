namespace Synth.Store;

/// <param name="Scope">The index the sample is checked against and added to.</param>
/// <param name="ExactHash">Hash of the normal form; the first sample to claim it owns it.</param>
/// <param name="BandKeys">LSH band keys of the MinHash signature.</param>
/// <param name="Shingles">The shingle set, kept so a candidate can be verified by exact Jaccard.</param>
/// <param name="Embedding">For semantic dedup; null when not computed.</param>
public sealed record DedupKeys(string Scope, string SampleId, string ExactHash, IReadOnlyList<string> BandKeys, IReadOnlyList<string> Shingles, float[]? Embedding);
