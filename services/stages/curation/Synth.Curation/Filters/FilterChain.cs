using Synth.Contracts.Samples;
using Synth.Curation.Text;

namespace Synth.Curation.Filters;

/// <summary>Runs every filter (so every score is recorded) and reports the first failure as the reason.</summary>
public sealed class FilterChain
{
    private readonly ISampleFilter[] filters;

    public FilterChain(IEnumerable<ISampleFilter> filters)
    {
        this.filters = [.. filters];
        var repeated = this.filters.GroupBy(filter => filter.Name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (repeated is not null)
        {
            throw new ArgumentException($"Filter name '{repeated.Key}' appears more than once in the chain.", nameof(filters));
        }
    }

    public IReadOnlyList<ISampleFilter> Filters => filters;

    public ChainResult Evaluate(FilterSample sample) => new([.. filters.Select(filter => filter.Evaluate(sample))]);
}
