using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

/// <summary>Conditional prompting e_condition: the dimensions sampled per request for diversity.</summary>
public sealed class ConditionsSpec
{
    public List<ConditionDimension> Dimensions { get; set; } = [];
    public ConceptTreeSpec? ConceptTree { get; set; }
    public SamplingPolicy Sampling { get; set; } = SamplingPolicy.LeastCovered;
}
