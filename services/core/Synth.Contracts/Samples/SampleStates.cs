namespace Synth.Contracts.Samples;

public static class SampleStates
{
    /// <summary>Pipeline depth of a state: Accepted and Rejected are both decided by the filter, so they rank alike.</summary>
    public static int Ordinal(this SampleState state) => state switch
    {
        SampleState.Generated => 1,
        SampleState.Accepted or SampleState.Rejected => 2,
        SampleState.Refined => 3,
        SampleState.Evaluated => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown sample state."),
    };

    /// <summary>States with no stage after them.</summary>
    public static bool IsFinal(this SampleState state) => state is SampleState.Rejected or SampleState.Evaluated;
}
