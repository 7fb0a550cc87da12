using Synth.Curation.Text;

namespace Synth.Curation.Dedup;

/// <summary>Everything dedup derives from one text: normal form, exact hash, shingles, signature and band keys.</summary>
public sealed record DedupFingerprint(string NormalForm, string ExactHash, IReadOnlySet<string> Shingles, ulong[] Signature, IReadOnlyList<string> BandKeys);
