namespace Synth.Evaluation;

/// <summary>Diversity of a set of texts, as <see cref="DiversityAccumulator.Snapshot"/> reports it.</summary>
/// <param name="DistinctN">distinct-n for n = 1..MaxN: unique n-grams / all n-grams (0 when there are none).</param>
/// <param name="EntropyN">Shannon entropy in bits of the n-gram distribution, n = 1..MaxN.</param>
public sealed record DiversityMetrics(
    long Samples,
    long Tokens,
    long VocabularySize,
    IReadOnlyList<double> DistinctN,
    IReadOnlyList<double> EntropyN,
    LengthStatistics Lengths);
