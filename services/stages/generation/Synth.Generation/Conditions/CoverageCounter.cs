using Synth.Contracts.Jobs;

namespace Synth.Generation.Conditions;

/// <summary>
/// How many samples each condition set has. The planner feeds it its own plans; the evaluator's feedback can replace
/// them with counts of what was really stored. A recorded set may name fewer keys than the space has, or an inner
/// concept-tree path: it is then spread over the combinations it covers by their target shares, so counts recorded
/// before the tree grew still count towards the new leaves. Thread-safe.
/// </summary>
public sealed class CoverageCounter
{
    private readonly Dictionary<string, (IReadOnlyDictionary<string, string> Conditions, double Count)> _counts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Bumped on every change, so a planner knows when its projection is stale.</summary>
    public long Version { get; private set; }

    public double Total
    {
        get
        {
            lock (_gate)
            {
                return _counts.Values.Sum(c => c.Count);
            }
        }
    }

    public void Add(IReadOnlyDictionary<string, string> conditions, double count = 1)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        lock (_gate)
        {
            var key = Key(conditions);
            var current = _counts.TryGetValue(key, out var entry) ? entry.Count : 0;
            _counts[key] = (Copy(conditions), current + count);
            Version++;
        }
    }

    /// <summary>Replaces every count, e.g. with the evaluator's coverage feedback. Each sample must be counted in one set only.</summary>
    public void ReplaceAll(IEnumerable<(IReadOnlyDictionary<string, string> Conditions, double Count)> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        lock (_gate)
        {
            _counts.Clear();
            foreach (var (conditions, count) in counts)
            {
                var key = Key(conditions);
                var current = _counts.TryGetValue(key, out var entry) ? entry.Count : 0;
                _counts[key] = (Copy(conditions), current + count);
            }
            Version++;
        }
    }

    /// <summary>The count recorded for exactly this condition set.</summary>
    public double Get(IReadOnlyDictionary<string, string> conditions)
    {
        lock (_gate)
        {
            return _counts.TryGetValue(Key(conditions), out var entry) ? entry.Count : 0;
        }
    }

    /// <summary>
    /// The coverage of each combination of <paramref name="space"/>; <paramref name="unmatched"/> is the count of sets
    /// naming a value the space does not have (a value since removed, or not yet grown).
    /// </summary>
    public double[] Project(ConditionSpace space, ConceptTree? tree, out double unmatched)
    {
        ArgumentNullException.ThrowIfNull(space);
        var coverage = new double[space.CombinationCount];
        unmatched = 0;
        lock (_gate)
        {
            foreach (var (conditions, count) in _counts.Values)
            {
                var options = new List<(int Index, double Share)>[space.Axes.Count];
                var matched = true;
                for (var a = 0; a < space.Axes.Count && matched; a++)
                {
                    options[a] = AxisOptions(space.Axes[a], conditions, tree);
                    matched = options[a].Count > 0;
                }
                if (!matched)
                {
                    unmatched += count;
                    continue;
                }
                Spread(space, options, 0, new int[space.Axes.Count], count, coverage);
            }
        }
        return coverage;
    }

    private static List<(int Index, double Share)> AxisOptions(ConditionAxis axis, IReadOnlyDictionary<string, string> conditions, ConceptTree? tree)
    {
        var value = conditions.FirstOrDefault(c => string.Equals(c.Key, axis.Name, StringComparison.OrdinalIgnoreCase)).Value;
        if (value is null)
        {
            return axis.Shares.Select((share, i) => (i, share)).ToList();
        }
        if (axis.IsConceptTree && tree is not null)
        {
            return tree.LeavesUnder(value)
                .Select(leaf => (IndexOf(axis, leaf.Path), leaf.Share))
                .Where(o => o.Item1 >= 0)
                .ToList();
        }
        var index = IndexOf(axis, value);
        return index >= 0 ? [(index, 1.0)] : [];
    }

    private static int IndexOf(ConditionAxis axis, string value)
    {
        for (var i = 0; i < axis.Values.Count; i++)
        {
            if (string.Equals(axis.Values[i], value, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    private static void Spread(ConditionSpace space, List<(int Index, double Share)>[] options, int axis, int[] digits, double count, double[] coverage)
    {
        if (axis == options.Length)
        {
            coverage[space.Encode(digits)] += count;
            return;
        }
        foreach (var (index, share) in options[axis])
        {
            digits[axis] = index;
            Spread(space, options, axis + 1, digits, count * share, coverage);
        }
    }

    // Keys compare ignoring case, like the spec's names and values do.
    private static string Key(IReadOnlyDictionary<string, string> conditions) =>
        string.Join('\u001f', conditions
            .Select(c => c.Key.ToUpperInvariant() + '\u001e' + c.Value.ToUpperInvariant())
            .Order(StringComparer.Ordinal));

    private static Dictionary<string, string> Copy(IReadOnlyDictionary<string, string> conditions) =>
        conditions.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
}
