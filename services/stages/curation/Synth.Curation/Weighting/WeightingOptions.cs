namespace Synth.Curation.Weighting;

/// <param name="JudgeConfidence">Importance α of the judge's confidence; 0 ignores it.</param>
/// <param name="Floor">Raw weight of a sample whose signals are all 0, in (0, 1]: every kept sample keeps some weight.</param>
public sealed record WeightingOptions(double JudgeConfidence = 1, double LabelAgreement = 1, double Novelty = 1, double Floor = 0.2);
