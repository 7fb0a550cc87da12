namespace Synth.Evaluation;

/// <param name="Coverage">Share of the dimension's expected values seen at least once.</param>
/// <param name="Deviation">Total variation distance between the observed value shares and the target shares (0 = on target).</param>
public sealed record DimensionCoverage(string Dimension, IReadOnlyDictionary<string, long> Counts, double Coverage, double Deviation);
