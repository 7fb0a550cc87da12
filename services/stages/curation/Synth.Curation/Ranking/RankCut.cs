namespace Synth.Curation.Ranking;

/// <param name="Kept">Whether the combined score reached the cut-off (always true during warm-up).</param>
/// <param name="Cutoff">The score a sample had to reach; null during warm-up.</param>
public sealed record RankCut(bool Kept, double? Cutoff);
