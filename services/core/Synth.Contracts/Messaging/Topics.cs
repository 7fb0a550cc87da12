using Synth.Contracts.Samples;

namespace Synth.Contracts.Messaging;

/// <summary>Topic names of the data plane (also listed in infra/kafka/topics.txt, which creates them).</summary>
public static class Topics
{
    public const string Generated = "synth.samples.generated";
    public const string Accepted = "synth.samples.accepted";
    public const string Rejected = "synth.samples.rejected";
    public const string Refined = "synth.samples.refined";
    public const string Feedback = "synth.feedback";
    /// <summary>A job's evaluation report (its JSON), keyed by job id; the latest per job is the one that counts.</summary>
    public const string Reports = "synth.reports";
    /// <summary>
    /// The training record of every curated sample (<see cref="CuratedRecord"/>), keyed by sample id; compacted, so the
    /// latest record (or tombstone) of each sample is kept.
    /// </summary>
    public const string Curated = "synth.samples.curated";

    public const string DeadLetterSuffix = ".dlt";

    public static string DeadLetter(string topic) => topic + DeadLetterSuffix;

    /// <summary>The topic a stage consumes; null for the generator.</summary>
    public static string? InputOf(Stage stage) => stage switch
    {
        Stage.Generator => null,
        Stage.Filter => Generated,
        Stage.LabelRefiner => Accepted,
        Stage.Evaluator => Refined,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown stage."),
    };

    /// <summary>The topic a sample in this state is published to; null when no stage follows (evaluated).</summary>
    public static string? For(SampleState state) => state switch
    {
        SampleState.Generated => Generated,
        SampleState.Accepted => Accepted,
        SampleState.Rejected => Rejected,
        SampleState.Refined => Refined,
        SampleState.Evaluated => null,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown sample state."),
    };
}
