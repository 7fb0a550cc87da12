using System.Collections.Concurrent;
using MassTransit;
using Synth.Contracts.Samples;
using Synth.Pipeline;

namespace Synth.ControlPlane.Stages;

/// <summary>
/// Reports a stage's progress per job to the control plane: at most one <see cref="StageProgress"/> per job and
/// stage each interval, and always one after the last sample (a trailing report), so the state machine hears of the
/// end of draining. Review tasks a sample queued are reported one by one.
/// </summary>
public sealed class StageProgressReporter(IBus bus, string instanceName, TimeSpan interval) : IStageObserver, IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string JobId, Stage Stage), Counter> _counters = new();
    private readonly CancellationTokenSource _stopping = new();

    public void Stored(Stage stage, SampleDocument sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var counter = _counters.GetOrAdd((sample.JobId, stage), _ => new Counter());
        Interlocked.Increment(ref counter.Processed);
        if (Interlocked.Exchange(ref counter.Scheduled, 1) == 0)
        {
            _ = ReportAfterIntervalAsync(sample.JobId, stage, counter);
        }

        if (sample.Review is { Status: ReviewStatus.Pending })
        {
            _ = bus.Publish(new ReviewTaskQueued(JobCorrelation.Of(sample.JobId), sample.JobId, sample.Id), _stopping.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task ReportAfterIntervalAsync(string jobId, Stage stage, Counter counter)
    {
        try
        {
            await Task.Delay(interval, _stopping.Token).ConfigureAwait(false);
            Volatile.Write(ref counter.Scheduled, 0);
            await bus.Publish(new StageProgress(JobCorrelation.Of(jobId), jobId, stage.Name(), instanceName, Interlocked.Read(ref counter.Processed)),
                _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private sealed class Counter
    {
        public long Processed;
        public int Scheduled;
    }
}
