namespace Synth.Evaluation;

/// <summary>
/// How samples spread over each condition dimension (topic, length, style, …) against the weights the job asked for,
/// and over pairs of dimensions (the heat map). Values the job did not list are counted too, never dropped.
/// </summary>
public sealed class ConditionCoverage
{
    private readonly Dictionary<string, Dictionary<string, double>> _targets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, long>> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), Dictionary<(string, string), long>> _pairs = [];

    /// <param name="dimensions">Each dimension's expected values with their weights.</param>
    public ConditionCoverage(IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> dimensions)
    {
        foreach (var (dimension, values) in dimensions)
        {
            var total = values.Values.Sum();
            if (values.Count == 0 || total <= 0)
            {
                throw new ArgumentException($"Dimension '{dimension}' needs values with positive total weight.", nameof(dimensions));
            }

            _targets[dimension] = values.ToDictionary(v => v.Key, v => v.Value / total, StringComparer.Ordinal);
            _counts[dimension] = values.Keys.ToDictionary(v => v, _ => 0L, StringComparer.Ordinal);
        }
    }

    public void Add(IReadOnlyDictionary<string, string> conditions)
    {
        foreach (var (dimension, value) in conditions)
        {
            if (_counts.TryGetValue(dimension, out var counts))
            {
                counts[value] = counts.GetValueOrDefault(value) + 1;
            }
        }

        var known = conditions.Where(c => _counts.ContainsKey(c.Key)).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        for (var i = 0; i < known.Count; i++)
        {
            for (var j = i + 1; j < known.Count; j++)
            {
                var key = (known[i].Key, known[j].Key);
                if (!_pairs.TryGetValue(key, out var cells))
                {
                    _pairs[key] = cells = [];
                }

                var cell = (known[i].Value, known[j].Value);
                cells[cell] = cells.GetValueOrDefault(cell) + 1;
            }
        }
    }

    public IReadOnlyList<DimensionCoverage> Snapshot() =>
        [.. _counts.Select(d =>
        {
            var targets = _targets[d.Key];
            var total = d.Value.Values.Sum();
            var seen = targets.Keys.Count(v => d.Value.GetValueOrDefault(v) > 0);
            var deviation = total == 0 ? 1 : 0.5 * d.Value.Keys.Union(targets.Keys)
                .Sum(v => Math.Abs(((double)d.Value.GetValueOrDefault(v) / total) - targets.GetValueOrDefault(v)));
            return new DimensionCoverage(d.Key, new Dictionary<string, long>(d.Value, StringComparer.Ordinal), (double)seen / targets.Count, deviation);
        })];

    /// <summary>Sample counts for each pair of values of two dimensions (keys in ordinal order of the dimension names).</summary>
    public IReadOnlyDictionary<(string First, string Second), long> Pairs(string first, string second)
    {
        var swap = string.CompareOrdinal(first, second) > 0;
        var key = swap ? (second, first) : (first, second);
        if (!_pairs.TryGetValue(key, out var cells))
        {
            return new Dictionary<(string, string), long>();
        }

        return swap ? cells.ToDictionary(c => (c.Key.Item2, c.Key.Item1), c => c.Value) : cells.ToDictionary(c => c.Key, c => c.Value);
    }
}
