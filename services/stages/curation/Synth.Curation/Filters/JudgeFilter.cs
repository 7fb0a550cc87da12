namespace Synth.Curation.Filters;

/// <summary>
/// The LLM judge as one more score source: the mean of the assessed criteria (or of <paramref name="criteria"/> when
/// given). The service adds this filter only when it judges samples; a sample it reaches without an assessment, or
/// missing a required criterion, fails.
/// </summary>
public sealed class JudgeFilter(double minScore, IReadOnlyList<string>? criteria = null) : ISampleFilter
{
    public string Name => "judge";

    public FilterResult Evaluate(FilterSample sample)
    {
        if (sample.Judge is not { } judge)
        {
            return new FilterResult(Name, 0, minScore, "no judge assessment");
        }

        var wanted = criteria ?? [.. judge.Criteria.Keys.Order(StringComparer.Ordinal)];
        var missing = wanted.Where(criterion => !judge.Criteria.ContainsKey(criterion)).ToList();
        if (wanted.Count == 0 || missing.Count > 0)
        {
            return new FilterResult(Name, 0, minScore, $"judge {judge.Judge} gave no score for {(missing.Count > 0 ? string.Join(", ", missing) : "any criterion")}");
        }

        var score = Math.Clamp(wanted.Average(criterion => judge.Criteria[criterion]), 0, 1);
        var comparison = score < minScore ? "below" : "at or above";
        var detail = string.Join(", ", wanted.Select(criterion => $"{criterion} {judge.Criteria[criterion]:0.##}"));
        return new FilterResult(Name, score, minScore, $"judge {judge.Judge} score {score:0.###} ({detail}) {comparison} {minScore:0.###}");
    }
}
