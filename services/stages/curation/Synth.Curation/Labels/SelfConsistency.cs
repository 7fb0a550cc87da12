namespace Synth.Curation.Labels;

/// <summary>Self-consistency: ask k times (or k models or prompts), take the majority.</summary>
public static class SelfConsistency
{
    /// <summary>
    /// Majority vote. A tie goes to the label listed first in <paramref name="labelOrder"/> (the job's label set),
    /// then to the ordinal-smallest label, so the same votes always give the same answer whatever their order.
    /// </summary>
    public static VoteResult Aggregate(IReadOnlyCollection<string> votes, IReadOnlyList<string>? labelOrder = null)
    {
        if (votes.Count == 0)
        {
            throw new ArgumentException("At least one vote is needed.", nameof(votes));
        }

        var counts = votes.GroupBy(vote => vote, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
        var winner = counts
            .OrderByDescending(count => count.Value)
            .ThenBy(count => Position(labelOrder, count.Key))
            .ThenBy(count => count.Key, StringComparer.Ordinal)
            .First();
        return new VoteResult(winner.Key, (double)winner.Value / votes.Count, counts, votes.Count);
    }

    private static int Position(IReadOnlyList<string>? labelOrder, string label)
    {
        var index = labelOrder is null ? -1 : labelOrder.ToList().IndexOf(label);
        return index < 0 ? int.MaxValue : index;
    }
}
