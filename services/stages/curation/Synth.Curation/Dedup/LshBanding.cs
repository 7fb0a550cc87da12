using System.Globalization;

namespace Synth.Curation.Dedup;

/// <summary>
/// Locality-sensitive hashing over a MinHash signature: b bands of r rows; two samples become candidates when any
/// band agrees on all its rows, with probability 1 − (1 − J^r)^b for Jaccard J (an S-curve whose steepest point is
/// near (1/b)^(1/r)). Band keys are strings ("band-hash", band index first so bands never collide) so a store can
/// index them.
/// </summary>
public sealed class LshBanding
{
    public LshBanding(int bands, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        Bands = bands;
        Rows = rows;
    }

    public int Bands { get; }
    public int Rows { get; }
    public int SignatureLength => Bands * Rows;

    /// <summary>The Jaccard similarity at which a pair becomes a candidate with probability about one half.</summary>
    public double ApproximateThreshold => Math.Pow(1.0 / Bands, 1.0 / Rows);

    public double CandidateProbability(double jaccard) => 1 - Math.Pow(1 - Math.Pow(jaccard, Rows), Bands);

    public string[] BandKeys(ulong[] signature)
    {
        if (signature.Length != SignatureLength)
        {
            throw new ArgumentException($"Signature has {signature.Length} values; {Bands} bands × {Rows} rows need {SignatureLength}.", nameof(signature));
        }

        var keys = new string[Bands];
        for (var band = 0; band < Bands; band++)
        {
            var hash = StableHash.Mix((ulong)band);
            for (var row = 0; row < Rows; row++)
            {
                hash = StableHash.Mix(hash ^ signature[band * Rows + row]);
            }

            keys[band] = band.ToString(CultureInfo.InvariantCulture) + "-" + hash.ToString("x16", CultureInfo.InvariantCulture);
        }

        return keys;
    }
}
