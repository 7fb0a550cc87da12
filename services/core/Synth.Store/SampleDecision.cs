using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Store;

/// <summary>The filter's verdict on a sample.</summary>
public enum SampleDecision
{
    /// <summary>Passed the filter (accepted, refined or evaluated).</summary>
    Accepted = 1,
    Rejected = 2,
}
