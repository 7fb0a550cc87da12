namespace Synth.Curation.Ranking;

/// <param name="Rank">1 is best.</param>
public sealed record RankedSample(string SampleId, double CombinedScore, int Rank, bool Kept);
