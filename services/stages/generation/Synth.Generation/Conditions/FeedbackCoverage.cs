namespace Synth.Generation.Conditions;

/// <summary>
/// Turns the evaluator's per-dimension counts of a job (summed over evaluator instances) into coverage sets for
/// <see cref="CoverageCounter.ReplaceAll"/>: each dimension's value counts enter as one-key sets weighted 1/D (D
/// dimensions reported), so every evaluated sample counts once in total and least-covered planning moves requests
/// towards the values the evaluator has seen least — including those the filter keeps rejecting.
/// </summary>
public static class FeedbackCoverage
{
    public static IReadOnlyList<(IReadOnlyDictionary<string, string> Conditions, double Count)> Sets(
        IReadOnlyDictionary<string, Dictionary<string, long>> conditionCounts)
    {
        ArgumentNullException.ThrowIfNull(conditionCounts);
        var dimensions = conditionCounts.Count(d => d.Value.Count > 0);
        return
        [
            .. conditionCounts.SelectMany(dimension => dimension.Value.Select(value =>
                ((IReadOnlyDictionary<string, string>)new Dictionary<string, string> { [dimension.Key] = value.Key }, (double)value.Value / dimensions))),
        ];
    }
}
