namespace Synth.Curation.Ranking;

/// <summary>A sample's filter scores (filter name → quality in [0, 1], higher is better).</summary>
public sealed record ScoredSample(string SampleId, IReadOnlyDictionary<string, double> Scores);
