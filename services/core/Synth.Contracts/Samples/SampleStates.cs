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

    /// <summary>
    /// Pipeline depth of a stored sample: its state's, except that a sample the evaluator rejected (its label's quota
    /// was full) ranks with evaluated ones, so a stale or redelivered message of an earlier stage never moves it back.
    /// </summary>
    public static int StageOrdinal(this SampleDocument sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return sample.State == SampleState.Rejected && sample.Decisions.Exists(d => d.Stage == Stage.Evaluator && d.Outcome == SampleState.Rejected)
            ? SampleState.Evaluated.Ordinal()
            : sample.State.Ordinal();
    }

    /// <summary>States with no stage after them.</summary>
    public static bool IsFinal(this SampleState state) => state is SampleState.Rejected or SampleState.Evaluated;
}
