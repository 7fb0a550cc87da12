namespace Synth.Evaluation;

/// <summary>Counts per label, including the job's labels not seen yet.</summary>
public sealed class LabelBalance
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    public LabelBalance(IEnumerable<string> expectedLabels)
    {
        foreach (var label in expectedLabels)
        {
            _counts[label] = 0;
        }
    }

    public void Add(string label) => _counts[label] = _counts.GetValueOrDefault(label) + 1;

    public LabelBalanceMetrics Snapshot()
    {
        var total = _counts.Values.Sum();
        var entropy = total == 0 ? 0 : -_counts.Values.Where(c => c > 0).Sum(c => (double)c / total * Math.Log2((double)c / total));
        var normalised = _counts.Count < 2 ? 1 : entropy / Math.Log2(_counts.Count);
        var min = _counts.Count == 0 ? 0 : _counts.Values.Min();
        var max = _counts.Count == 0 ? 0 : _counts.Values.Max();
        var ratio = max == 0 ? 1 : min == 0 ? double.PositiveInfinity : (double)max / min;
        return new LabelBalanceMetrics(new Dictionary<string, long>(_counts, StringComparer.Ordinal), normalised, ratio);
    }
}
