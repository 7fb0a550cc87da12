using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public enum SamplingPolicy
{
    /// <summary>Each request gets the least-covered combination so far, weighted: spreads samples evenly.</summary>
    LeastCovered = 1,
    /// <summary>Each dimension drawn independently by weight.</summary>
    Independent = 2,
}
