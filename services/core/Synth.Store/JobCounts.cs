using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Store;

/// <summary>Per-state sample counts of a job, plus its request ledger and failures.</summary>
public sealed record JobCounts
{
    public IReadOnlyDictionary<SampleState, long> Samples { get; init; } = new Dictionary<SampleState, long>();
    /// <summary>
    /// Of the <see cref="SampleState.Rejected"/> samples, those the evaluator rejected (over a label quota): they passed
    /// the filter and the label refiner, where the rest were rejected by the filter.
    /// </summary>
    public long RejectedByEvaluator { get; init; }
    public long RequestsSucceeded { get; init; }
    public long RequestsFailed { get; init; }
    public long Failures { get; init; }

    public long this[SampleState state] => Samples.TryGetValue(state, out var count) ? count : 0;

    public long TotalSamples => Samples.Values.Sum();
}
