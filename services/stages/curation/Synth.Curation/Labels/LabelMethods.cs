using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

/// <summary>How curation changes a sample's label and reads its label history.</summary>
public static class LabelMethods
{
    /// <summary>Sets the sample's label and appends the change, so the previous label stays in the history.</summary>
    public static void Apply(SampleDocument sample, LabelChange change)
    {
        if (change.From != sample.Content.Label)
        {
            throw new InvalidOperationException($"Change from '{change.From}' does not start at the sample's label '{sample.Content.Label}'.");
        }

        sample.Content.Label = change.To;
        sample.LabelHistory.Add(change);
    }

    /// <summary>The label refiner's score that says independent evidence (agreed LLM votes) backs the sample's label.</summary>
    public const string ConfirmedScore = "label-confirmed";

    /// <summary>
    /// Whether the sample's label is confirmed: a reviewer labelled it, or the label refiner's last decision found
    /// agreed LLM votes for it (<see cref="ConfirmedScore"/>). The student prefers these to train on.
    /// </summary>
    public static bool IsConfirmed(SampleDocument sample) =>
        IsHumanLabelled(sample)
        || sample.Decisions.LastOrDefault(decision => decision.Stage == Stage.LabelRefiner)?.Scores.GetValueOrDefault(ConfirmedScore) == 1;

    /// <summary>A reviewer has labelled the sample: automated methods must not change it any more.</summary>
    public static bool IsHumanLabelled(SampleDocument sample) =>
        sample.LabelHistory.Any(change => change.Method == LabelMethod.HumanReview);
}
