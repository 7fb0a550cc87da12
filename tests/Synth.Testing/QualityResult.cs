namespace Synth.Testing;

/// <summary>A share with its counts; NaN when nothing was counted.</summary>
public readonly record struct Share(int Count, int Of)
{
    public double Value => Of == 0 ? double.NaN : (double)Count / Of;

    public override string ToString() => Of == 0 ? "–" : FormattableString.Invariant($"{Value:0.000} ({Count}/{Of})");
}

/// <summary>What one benchmark run measured, from the store's final samples joined with the simulated model's log.</summary>
/// <param name="Kept">Per fault kind: final (evaluated) samples out of the stored samples of that kind, less those
/// rejected over a label quota (a full label's surplus, which passed every check: not a curation decision on the text).</param>
/// <param name="OverQuota">Stored samples the evaluator rejected because their label's quota was full.</param>
/// <param name="ServedAccuracy">Kept samples with a true label whose served label was true.</param>
/// <param name="FinalAccuracy">Kept samples with a true label whose final label is true.</param>
/// <param name="FlipsCorrected">Kept samples served with a wrong label that end with the true one.</param>
/// <param name="RefinedFlipsCorrected">Samples the label refiner decided (kept, or rejected over a label quota) served with a
/// wrong label that end with the true one: the relabelling itself, before a quota drops corrected samples of a full label.</param>
/// <param name="CleanBroken">Kept samples served with the true label that end with another.</param>
/// <param name="PositiveShare">Share of positive labels among the curated samples.</param>
/// <param name="Escalated">Relevance escalation's on-task questions to the model out of the stored (generated) samples.</param>
/// <param name="Unjoined">Stored samples whose text the model never served (should be 0).</param>
/// <param name="IndirectSynthetic">Indirect evaluation: accuracy of the classifier trained on the curated set.</param>
/// <param name="IndirectReal">The same classifier trained on the real training split.</param>
public sealed record QualityResult(
    QualityRun Run,
    IReadOnlyDictionary<FaultKind, Share> Kept,
    Share OverQuota,
    Share ServedAccuracy,
    Share FinalAccuracy,
    Share FlipsCorrected,
    Share RefinedFlipsCorrected,
    Share CleanBroken,
    int Curated,
    Share PositiveShare,
    Share Escalated,
    int Unjoined,
    double? IndirectSynthetic,
    double? IndirectReal,
    TimeSpan Elapsed);
