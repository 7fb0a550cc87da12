namespace Synth.Contracts.Samples;

/// <summary>
/// A label the label refiner's LLM votes named by majority, but below the agreement bar, so the sample kept another
/// label. The refiner records it as the score <c>llm-majority:&lt;label&gt;</c> (the votes' agreement); the
/// evaluator's label quota reads it, so a sample that is probably of a full label is not kept under another one.
/// </summary>
public static class DisputedLabel
{
    public const string ScorePrefix = "llm-majority:";

    /// <summary>The refiner's score name for a majority that named <paramref name="label"/>.</summary>
    public static string Score(string label) => ScorePrefix + label;

    /// <summary>The label the last refiner decision's votes named against the sample's current label; null when none.</summary>
    public static string? Of(SampleDocument sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var scores = sample.Decisions.LastOrDefault(decision => decision.Stage == Stage.LabelRefiner)?.Scores;
        var label = scores?.Keys.FirstOrDefault(name => name.StartsWith(ScorePrefix, StringComparison.Ordinal))?[ScorePrefix.Length..];
        return label is not null && label != sample.Content.Label ? label : null;
    }
}
