namespace Synth.Curation.Labels;

/// <summary>The outcome of k votes: the majority label and its share of the votes as confidence.</summary>
public sealed record VoteResult(string Label, double Agreement, IReadOnlyDictionary<string, int> Counts, int Votes);
