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

    /// <summary>A reviewer has labelled the sample: automated methods must not change it any more.</summary>
    public static bool IsHumanLabelled(SampleDocument sample) =>
        sample.LabelHistory.Any(change => change.Method == LabelMethod.HumanReview);
}
