namespace Synth.Contracts.Samples;

public static class Stages
{
    /// <summary>The state a sample must be in for this stage to take it; null for the generator, which is a source.</summary>
    public static SampleState? InputState(this Stage stage) => stage switch
    {
        Stage.Generator => null,
        Stage.Filter => SampleState.Generated,
        Stage.LabelRefiner => SampleState.Accepted,
        Stage.Evaluator => SampleState.Refined,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown stage."),
    };

    /// <summary>The states this stage may leave a sample in.</summary>
    public static IReadOnlyList<SampleState> OutputStates(this Stage stage) => stage switch
    {
        Stage.Generator => [SampleState.Generated],
        Stage.Filter => [SampleState.Accepted, SampleState.Rejected],
        Stage.LabelRefiner => [SampleState.Refined],
        Stage.Evaluator => [SampleState.Evaluated, SampleState.Rejected],
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown stage."),
    };

    /// <summary>Kebab-case name used in configuration, ids, topics and span names.</summary>
    public static string Name(this Stage stage) => stage switch
    {
        Stage.Generator => "generator",
        Stage.Filter => "filter",
        Stage.LabelRefiner => "label-refiner",
        Stage.Evaluator => "evaluator",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown stage."),
    };
}
