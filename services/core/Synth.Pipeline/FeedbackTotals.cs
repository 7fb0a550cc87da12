using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Synth.Contracts.Messaging;
using Synth.Messaging;

namespace Synth.Pipeline;

/// <summary>
/// A job's feedback summed over evaluator instances: keeps the latest message of each instance (they are cumulative)
/// and adds them up. Not thread-safe: fold one subscription's messages into it.
/// </summary>
public sealed class FeedbackTotals
{
    private readonly Dictionary<(string JobId, string Instance), FeedbackMessage> _latest = [];

    /// <summary>Keeps the message unless an instance's later one is already in.</summary>
    public void Apply(FeedbackMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var key = (message.JobId, message.Instance);
        if (!_latest.TryGetValue(key, out var current) || current.SamplesEvaluated <= message.SamplesEvaluated)
        {
            _latest[key] = message;
        }
    }

    public long SamplesEvaluated(string jobId) => ForJob(jobId).Sum(m => m.SamplesEvaluated);

    /// <summary>Dimension → value → evaluated samples that had it, over every instance.</summary>
    public Dictionary<string, Dictionary<string, long>> ConditionCounts(string jobId)
    {
        var totals = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var message in ForJob(jobId))
        {
            foreach (var (dimension, values) in message.ConditionCounts)
            {
                if (!totals.TryGetValue(dimension, out var counts))
                {
                    totals[dimension] = counts = new Dictionary<string, long>(StringComparer.Ordinal);
                }

                foreach (var (value, count) in values)
                {
                    counts[value] = counts.GetValueOrDefault(value) + count;
                }
            }
        }

        return totals;
    }

    /// <summary>Curated label → evaluated samples with it, over every instance.</summary>
    public Dictionary<string, long> LabelCounts(string jobId)
    {
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (label, count) in ForJob(jobId).SelectMany(message => message.LabelCounts))
        {
            totals[label] = totals.GetValueOrDefault(label) + count;
        }

        return totals;
    }

    /// <summary>Dimension → value → mean novelty over every instance, weighted by each instance's count of the value.</summary>
    public Dictionary<string, Dictionary<string, double>> ConditionNovelty(string jobId)
    {
        var sums = new Dictionary<(string, string), (double Sum, long Count)>();
        foreach (var message in ForJob(jobId))
        {
            foreach (var (dimension, values) in message.ConditionNovelty)
            {
                foreach (var (value, novelty) in values)
                {
                    var count = message.ConditionCounts.GetValueOrDefault(dimension)?.GetValueOrDefault(value) ?? 0;
                    var (sum, total) = sums.GetValueOrDefault((dimension, value));
                    sums[(dimension, value)] = (sum + (novelty * count), total + count);
                }
            }
        }

        var result = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var ((dimension, value), (sum, count)) in sums.Where(s => s.Value.Count > 0))
        {
            if (!result.TryGetValue(dimension, out var values))
            {
                result[dimension] = values = new Dictionary<string, double>(StringComparer.Ordinal);
            }

            values[value] = sum / count;
        }

        return result;
    }

    private IEnumerable<FeedbackMessage> ForJob(string jobId) => _latest.Where(l => l.Key.JobId == jobId).Select(l => l.Value);
}
