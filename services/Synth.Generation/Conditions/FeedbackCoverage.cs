using Synth.Contracts.Messaging;

namespace Synth.Generation.Conditions;

/// <summary>
/// The evaluator's coverage of one job, summed over evaluator instances from their latest feedback messages (each
/// instance's counts are cumulative, so only its newest message counts). It turns the per-dimension counts into
/// coverage sets for <see cref="CoverageCounter.ReplaceAll"/>: each dimension's value counts enter as one-key sets
/// weighted 1/D (D dimensions reported), so every evaluated sample counts once in total and least-covered planning
/// moves requests towards the values the evaluator has seen least — including those the filter keeps rejecting.
/// Thread-safe.
/// </summary>
public sealed class FeedbackCoverage
{
    private readonly Dictionary<string, FeedbackMessage> _latest = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <returns>False when the message is older than one already taken from the same instance.</returns>
    public bool Take(FeedbackMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            if (_latest.TryGetValue(message.Instance, out var current)
                && (current.SamplesEvaluated > message.SamplesEvaluated || (current.SamplesEvaluated == message.SamplesEvaluated && current.At >= message.At)))
            {
                return false;
            }

            _latest[message.Instance] = message;
            return true;
        }
    }

    /// <summary>Samples evaluated over all instances.</summary>
    public long SamplesEvaluated
    {
        get
        {
            lock (_gate)
            {
                return _latest.Values.Sum(m => m.SamplesEvaluated);
            }
        }
    }

    public IReadOnlyList<(IReadOnlyDictionary<string, string> Conditions, double Count)> CoverageSets()
    {
        lock (_gate)
        {
            var totals = new Dictionary<(string Dimension, string Value), long>();
            foreach (var message in _latest.Values)
            {
                foreach (var (dimension, values) in message.ConditionCounts)
                {
                    foreach (var (value, count) in values)
                    {
                        totals[(dimension, value)] = totals.GetValueOrDefault((dimension, value)) + count;
                    }
                }
            }

            var dimensions = totals.Keys.Select(k => k.Dimension).Distinct(StringComparer.Ordinal).Count();
            return [.. totals.Select(t => ((IReadOnlyDictionary<string, string>)new Dictionary<string, string> { [t.Key.Dimension] = t.Key.Value }, (double)t.Value / dimensions))];
        }
    }
}
