namespace Synth.Evaluation;

/// <param name="NormalisedEntropy">Entropy of the label distribution over log2 of the number of labels: 1 is perfectly balanced.</param>
/// <param name="ImbalanceRatio">Largest label count over smallest (labels never seen count as 0, giving infinity).</param>
public sealed record LabelBalanceMetrics(IReadOnlyDictionary<string, long> Counts, double NormalisedEntropy, double ImbalanceRatio);
