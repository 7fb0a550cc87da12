using MassTransit;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Store;

namespace Synth.ControlPlane;

/// <summary>
/// Tells the job state machine when a draining job has nothing left in flight: every stored sample has reached a
/// state no later stage consumes. Asked on entering draining and on every stage's progress report, it reads the
/// store, so it counts the work of every instance of every stage.
/// </summary>
public sealed class DrainMonitor(ISampleStore store) : IConsumer<CheckDrained>, IConsumer<StageProgress>
{
    public Task Consume(ConsumeContext<CheckDrained> context) => CheckAsync(context, context.Message.JobId);

    public Task Consume(ConsumeContext<StageProgress> context) => CheckAsync(context, context.Message.JobId);

    /// <summary>Samples still waiting for a stage: generated (for the filter), accepted (refiner), refined (evaluator).</summary>
    public static long Pending(JobCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return counts[SampleState.Generated] + counts[SampleState.Accepted] + counts[SampleState.Refined];
    }

    private async Task CheckAsync(ConsumeContext context, string jobId)
    {
        var job = await store.GetJobAsync(jobId, context.CancellationToken).ConfigureAwait(false);
        if (job?.State != JobState.Draining)
        {
            return;
        }

        var counts = await store.CountAsync(jobId, context.CancellationToken).ConfigureAwait(false);
        if (Pending(counts) == 0)
        {
            await context.Publish(new JobDrained(JobCorrelation.Of(jobId), jobId)).ConfigureAwait(false);
        }
    }
}
