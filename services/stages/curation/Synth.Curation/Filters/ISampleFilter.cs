using Synth.Contracts.Samples;
using Synth.Curation.Text;

namespace Synth.Curation.Filters;

public interface ISampleFilter
{
    /// <summary>Unique within a chain; the key of the filter's score on the sample's decision.</summary>
    string Name { get; }

    FilterResult Evaluate(FilterSample sample);
}
