using Synth.Curation.Text;

namespace Synth.Curation.Dedup;

/// <param name="ShingleSize">Words per shingle. 1 (word sets, the default) suits sentence-length samples: one word
/// inserted into an n-word sentence leaves Jaccard n/(n + 1), where word pairs fall to (n − 2)/(n + 1) and miss
/// near duplicates of short sentences (docs/quality.md). 3–5 suits paragraphs.</param>
/// <param name="Bands">LSH bands; <paramref name="Bands"/> × <paramref name="Rows"/> is the signature length. 20 × 5
/// makes a pair at Jaccard 0.7 a candidate with probability 0.975 (0.9996 at 0.8) and one at 0.3 with 0.047.</param>
/// <param name="JaccardThreshold">Exact Jaccard at or above which a candidate is a near-duplicate.</param>
/// <param name="SemanticThreshold">Embedding cosine at or above which a sample is a semantic duplicate; null turns it off.</param>
/// <param name="Seed">MinHash seed; every index that shares band keys must use the same one.</param>
public sealed record DedupOptions(
    int ShingleSize = 1,
    int Bands = 20,
    int Rows = 5,
    double JaccardThreshold = 0.7,
    double? SemanticThreshold = 0.95,
    ulong Seed = 0x5EED_CAFE_F00DUL);
