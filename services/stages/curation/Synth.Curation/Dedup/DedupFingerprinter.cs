using Synth.Curation.Text;

namespace Synth.Curation.Dedup;

public sealed class DedupFingerprinter(DedupOptions options)
{
    private readonly MinHasher hasher = new(options.Bands * options.Rows, options.Seed);
    private readonly LshBanding banding = new(options.Bands, options.Rows);

    public DedupOptions Options => options;
    public LshBanding Banding => banding;

    /// <summary>SHA-256 hex of the normal form: equal for texts that differ only in case, spacing, punctuation or Unicode form.</summary>
    public static string ExactHash(string text) => StableHash.Sha256Hex(TextNormalizer.Normalize(text));

    public DedupFingerprint Fingerprint(string text)
    {
        var normal = TextNormalizer.Normalize(text);
        var shingles = Shingles.Of(normal, options.ShingleSize);
        var signature = hasher.Signature(shingles);
        return new DedupFingerprint(normal, StableHash.Sha256Hex(normal), shingles, signature, banding.BandKeys(signature));
    }
}
