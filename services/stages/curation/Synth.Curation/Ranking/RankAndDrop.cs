namespace Synth.Curation.Ranking;

/// <summary>
/// Rank-and-drop: combined score = Σ w_f · s_f / Σ w_f over the weighted filters f, a missing score counting as 0
/// (a sample a filter never scored earns nothing from it). Ranked best first; ties go to the smaller sample id
/// (ordinal), so the same set always keeps the same samples.
/// </summary>
public sealed class RankAndDrop
{
    private readonly KeyValuePair<string, double>[] weights;
    private readonly double totalWeight;

    public RankAndDrop(IReadOnlyDictionary<string, double> weights)
    {
        if (weights.Values.Any(weight => weight < 0 || !double.IsFinite(weight)))
        {
            throw new ArgumentException("Filter weights must be finite and not negative.", nameof(weights));
        }

        this.weights = [.. weights.Where(weight => weight.Value > 0)];
        totalWeight = this.weights.Sum(weight => weight.Value);
        if (totalWeight == 0)
        {
            throw new ArgumentException("At least one filter needs a positive weight.", nameof(weights));
        }
    }

    public double Combine(IReadOnlyDictionary<string, double> scores) =>
        weights.Sum(weight => weight.Value * scores.GetValueOrDefault(weight.Key)) / totalWeight;

    public IReadOnlyList<RankedSample> Rank(IEnumerable<ScoredSample> samples, RankSelection selection)
    {
        var ordered = samples
            .Select(sample => (sample.SampleId, Score: Combine(sample.Scores)))
            .OrderByDescending(sample => sample.Score)
            .ThenBy(sample => sample.SampleId, StringComparer.Ordinal)
            .ToList();
        var keepCount = selection switch
        {
            RankSelection.BestFraction best when best.Fraction is >= 0 and <= 1 => (int)Math.Ceiling(best.Fraction * ordered.Count),
            RankSelection.BestFraction best => throw new ArgumentOutOfRangeException(nameof(selection), best.Fraction, "The fraction must be in [0, 1]."),
            RankSelection.MinimumScore minimum => ordered.Count(sample => sample.Score >= minimum.Minimum),
            _ => throw new ArgumentOutOfRangeException(nameof(selection)),
        };
        return [.. ordered.Select((sample, index) => new RankedSample(sample.SampleId, sample.Score, index + 1, index < keepCount))];
    }
}
