namespace Synth.Evaluation;

/// <param name="Histogram">Counts per bucket: bucket i holds lengths in [Edges[i-1], Edges[i]), the last one the rest.</param>
public sealed record LengthStatistics(long Count, double Mean, double StandardDeviation, long Min, long Max, IReadOnlyList<int> Edges, IReadOnlyList<long> Histogram);
