namespace Synth.Curation.Ranking;

/// <summary>What survives ranking: the best fraction of a set, or every sample whose combined score reaches a minimum.</summary>
public abstract record RankSelection
{
    private RankSelection()
    {
    }

    /// <summary>Keeps ⌈fraction · n⌉ samples (at least one of a non-empty set when fraction &gt; 0).</summary>
    public sealed record BestFraction(double Fraction) : RankSelection;

    public sealed record MinimumScore(double Minimum) : RankSelection;
}
