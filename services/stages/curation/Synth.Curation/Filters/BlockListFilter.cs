using Synth.Curation.Text;

namespace Synth.Curation.Filters;

/// <summary>
/// Blocked words or phrases, matched as whole words in the normal form (case, punctuation and Unicode compatibility
/// forms do not matter; "ass" does not match "class"). Score 0 when any term occurs, else 1.
/// </summary>
public sealed class BlockListFilter(IEnumerable<string> terms) : ISampleFilter
{
    private readonly (string Raw, string Padded)[] terms = [.. terms
        .Select(term => (Raw: term, Normal: TextNormalizer.Normalize(term)))
        .Where(term => term.Normal.Length > 0)
        .Select(term => (term.Raw, $" {term.Normal} "))];

    public string Name => "block-list";

    public FilterResult Evaluate(FilterSample sample)
    {
        var padded = $" {sample.NormalizedText} ";
        var found = terms.Where(term => padded.Contains(term.Padded, StringComparison.Ordinal)).Select(term => term.Raw).ToList();
        return found.Count == 0
            ? new FilterResult(Name, 1, 1, "no blocked term")
            : new FilterResult(Name, 0, 1, $"blocked term(s): {string.Join(", ", found)}");
    }
}
