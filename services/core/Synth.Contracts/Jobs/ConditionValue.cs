using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public sealed class ConditionValue
{
    public string Value { get; set; } = "";
    /// <summary>Relative share of requests that get this value.</summary>
    public double Weight { get; set; } = 1.0;
}
