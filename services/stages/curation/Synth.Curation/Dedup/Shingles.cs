using Synth.Curation.Text;

namespace Synth.Curation.Dedup;

public static class Shingles
{
    /// <summary>
    /// Word shingles (runs of <paramref name="size"/> consecutive words) of an already normalised text. A text with
    /// fewer words than the size is one shingle, so short texts still compare; an empty text has none.
    /// </summary>
    public static HashSet<string> Of(string normalized, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var words = TextNormalizer.Words(normalized);
        var shingles = new HashSet<string>(StringComparer.Ordinal);
        if (words.Length == 0)
        {
            return shingles;
        }

        if (words.Length <= size)
        {
            shingles.Add(normalized);
            return shingles;
        }

        for (var i = 0; i + size <= words.Length; i++)
        {
            shingles.Add(string.Join(' ', words, i, size));
        }

        return shingles;
    }

    /// <summary>Exact Jaccard similarity |A ∩ B| / |A ∪ B|; two empty sets are identical (1).</summary>
    public static double Jaccard(IReadOnlySet<string> a, IReadOnlySet<string> b)
    {
        if (a.Count == 0 && b.Count == 0)
        {
            return 1;
        }

        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        var intersection = small.Count(large.Contains);
        return (double)intersection / (a.Count + b.Count - intersection);
    }
}
