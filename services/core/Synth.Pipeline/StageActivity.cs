using System.Collections.Concurrent;
using Synth.Contracts.Samples;

namespace Synth.Pipeline;

/// <summary>
/// Live counters of one stage in this process: in-flight work (for idle detection) and outcomes (for progress); each
/// change is also recorded on <see cref="PipelineMetrics"/>.
/// </summary>
public sealed class StageActivity(Stage stage)
{
    private readonly ConcurrentDictionary<SampleState, long> _outcomes = new();
    private readonly KeyValuePair<string, object?> _stageTag = new(PipelineMetrics.StageTag, stage.Name());
    private long _inFlight;
    private long _failed;
    private long _reemitted;

    public Stage Stage { get; } = stage;

    public long InFlight => Interlocked.Read(ref _inFlight);

    public long FailedCount => Interlocked.Read(ref _failed);

    public long ReemittedCount => Interlocked.Read(ref _reemitted);

    public long ProcessedCount => _outcomes.Values.Sum();

    public long Outcome(SampleState state) => _outcomes.TryGetValue(state, out var count) ? count : 0;

    internal void Started()
    {
        Interlocked.Increment(ref _inFlight);
        PipelineMetrics.InFlight.Add(1, _stageTag);
    }

    internal void Finished()
    {
        Interlocked.Decrement(ref _inFlight);
        PipelineMetrics.InFlight.Add(-1, _stageTag);
    }

    internal void Processed(SampleState outcome, long count = 1)
    {
        _outcomes.AddOrUpdate(outcome, count, (_, total) => total + count);
        PipelineMetrics.Messages.Add(count, _stageTag, new(PipelineMetrics.OutcomeTag, PipelineMetrics.OutcomeName(outcome)));
    }

    internal void Failed()
    {
        Interlocked.Increment(ref _failed);
        PipelineMetrics.DeadLetteredMessages.Add(1, _stageTag);
        PipelineMetrics.Messages.Add(1, _stageTag, new(PipelineMetrics.OutcomeTag, PipelineMetrics.DeadLettered));
    }

    internal void Reemitted()
    {
        Interlocked.Increment(ref _reemitted);
        PipelineMetrics.Messages.Add(1, _stageTag, new(PipelineMetrics.OutcomeTag, PipelineMetrics.Reemitted));
    }
}
