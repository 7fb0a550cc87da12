namespace Synth.Curation.Dedup;

/// <summary>
/// MinHash signatures: k universal hash functions h_i(x) = (a_i·x + b_i) mod (2^61 − 1) over the stable 64-bit hash
/// of each shingle, the minimum per function. The (a_i, b_i) come from a SplitMix64 stream of the seed, so the same
/// seed gives the same signature everywhere. The fraction of equal positions estimates the Jaccard similarity.
/// </summary>
public sealed class MinHasher
{
    private const ulong MersennePrime = (1UL << 61) - 1;
    private readonly ulong[] a;
    private readonly ulong[] b;

    public MinHasher(int numHashes, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numHashes, 1);
        a = new ulong[numHashes];
        b = new ulong[numHashes];
        var state = seed;
        for (var i = 0; i < numHashes; i++)
        {
            a[i] = 1 + Next(ref state) % (MersennePrime - 1);
            b[i] = Next(ref state) % MersennePrime;
        }
    }

    public int NumHashes => a.Length;

    /// <summary>The signature of a shingle set; an empty set gives all <see cref="ulong.MaxValue"/>.</summary>
    public ulong[] Signature(IEnumerable<string> shingles)
    {
        var signature = new ulong[a.Length];
        Array.Fill(signature, ulong.MaxValue);
        foreach (var shingle in shingles)
        {
            var x = StableHash.Of(shingle) % MersennePrime;
            for (var i = 0; i < signature.Length; i++)
            {
                var value = MulAddMod(a[i], x, b[i]);
                if (value < signature[i])
                {
                    signature[i] = value;
                }
            }
        }

        return signature;
    }

    /// <summary>Share of positions where two signatures agree: an unbiased estimate of Jaccard similarity.</summary>
    public static double EstimateJaccard(ulong[] first, ulong[] second)
    {
        if (first.Length != second.Length)
        {
            throw new ArgumentException($"Signature lengths differ: {first.Length} and {second.Length}.");
        }

        var equal = 0;
        for (var i = 0; i < first.Length; i++)
        {
            equal += first[i] == second[i] ? 1 : 0;
        }

        return (double)equal / first.Length;
    }

    // (a·x + b) mod 2^61−1 without division: fold the 122-bit product on the Mersenne prime.
    private static ulong MulAddMod(ulong multiplier, ulong x, ulong addend)
    {
        var product = (UInt128)multiplier * x + addend;
        var folded = (ulong)(product & MersennePrime) + (ulong)(product >> 61);
        folded = (folded & MersennePrime) + (folded >> 61);
        return folded >= MersennePrime ? folded - MersennePrime : folded;
    }

    private static ulong Next(ref ulong state)
    {
        state += 0x9e3779b97f4a7c15UL;
        return StableHash.Mix(state);
    }
}
