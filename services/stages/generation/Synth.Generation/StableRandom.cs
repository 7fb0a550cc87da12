using System.Text;

namespace Synth.Generation;

/// <summary>
/// Deterministic randomness keyed by (seed, request index, purpose). string.GetHashCode is randomised per process and
/// System.Random's sequence is not a contract, so plans that must survive a restart use SplitMix64 over FNV-1a instead.
/// </summary>
public static class StableRandom
{
    /// <summary>A uniform double in [0, 1) fixed by the seed, the request index and a purpose string.</summary>
    public static double Uniform(int seed, long requestIndex, string purpose, int draw = 0)
    {
        var state = Mix((ulong)(uint)seed ^ Mix((ulong)requestIndex) ^ Mix(Fnv1a(purpose)) ^ Mix((ulong)(uint)draw + 0x632BE59BD9B4E019UL));
        // The top 53 bits make an exactly representable double in [0, 1).
        return (Mix(state) >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>A seeded sequence of uniform doubles, for shuffles that need many draws.</summary>
    public static IEnumerable<double> Sequence(int seed, long requestIndex, string purpose)
    {
        for (var draw = 0; ; draw++)
        {
            yield return Uniform(seed, requestIndex, purpose, draw);
        }
    }

    internal static ulong Fnv1a(string text)
    {
        var hash = 0xcbf29ce484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 0x100000001b3UL;
        }
        return hash;
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
