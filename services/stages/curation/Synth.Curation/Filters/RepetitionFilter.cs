using Synth.Curation.Text;

namespace Synth.Curation.Filters;

/// <summary>
/// Degenerate, looping output: the repeated word n-gram ratio, (n-grams − distinct n-grams) / n-grams, of the
/// normalised text. Score is 1 − ratio; fails when the ratio exceeds <paramref name="maxRepeatedRatio"/>.
/// A text shorter than n words has no n-grams and ratio 0.
/// </summary>
public sealed class RepetitionFilter : ISampleFilter
{
    private readonly int n;
    private readonly double maxRepeatedRatio;

    public RepetitionFilter(int n, double maxRepeatedRatio)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRepeatedRatio, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRepeatedRatio, 1);
        this.n = n;
        this.maxRepeatedRatio = maxRepeatedRatio;
    }

    public string Name => "repetition";

    public static double RepeatedRatio(string[] words, int n)
    {
        var total = words.Length - n + 1;
        if (total <= 0)
        {
            return 0;
        }

        var distinct = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < total; i++)
        {
            distinct.Add(string.Join(' ', words, i, n));
        }

        return (double)(total - distinct.Count) / total;
    }

    public FilterResult Evaluate(FilterSample sample)
    {
        var ratio = RepeatedRatio(TextNormalizer.Words(sample.NormalizedText), n);
        var comparison = ratio > maxRepeatedRatio ? "exceeds" : "is within";
        return new FilterResult(Name, 1 - ratio, 1 - maxRepeatedRatio, $"repeated {n}-gram ratio {ratio:0.###} {comparison} {maxRepeatedRatio:0.###}");
    }
}
