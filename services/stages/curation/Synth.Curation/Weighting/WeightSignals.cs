namespace Synth.Curation.Weighting;

/// <summary>
/// A kept sample's signals, each in [0, 1] or null when not measured: the judge's confidence, label agreement (vote
/// share or the student model's probability of the current label) and novelty (1 − the highest similarity to an
/// earlier sample).
/// </summary>
public sealed record WeightSignals(string SampleId, double? JudgeConfidence = null, double? LabelAgreement = null, double? Novelty = null);
