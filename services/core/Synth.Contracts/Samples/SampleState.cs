namespace Synth.Contracts.Samples;

/// <summary>The last stage a sample has finished. The numeric order is the pipeline order: a store never
/// moves a sample back to an earlier state, which is what makes redelivered messages harmless.</summary>
public enum SampleState
{
    Generated = 1,
    Accepted = 2,
    Rejected = 3,
    Refined = 4,
    Evaluated = 5,
}
