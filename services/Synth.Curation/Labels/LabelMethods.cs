using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

/// <summary>The <see cref="LabelChange.Method"/> values curation writes (docs/schemas.md).</summary>
public static class LabelMethods
{
    public const string LlmRelabel = "llm-relabel";
    public const string StudentModel = "student-model";
    public const string HumanReview = "human-review";

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

    /// <summary>A reviewer has labelled the sample: automated methods must not change it any more.</summary>
    public static bool IsHumanLabelled(SampleDocument sample) =>
        sample.LabelHistory.Any(change => change.Method == HumanReview);
}
