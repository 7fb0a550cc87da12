using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

/// <summary>One condition key (topic, length, style, …) and the values it takes.</summary>
public sealed class ConditionDimension
{
    public string Name { get; set; } = "";
    /// <summary>A value may be written as a bare string, which means weight 1.</summary>
    public List<ConditionValue> Values { get; set; } = [];
}
