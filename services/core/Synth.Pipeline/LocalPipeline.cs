using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Pipeline;

/// <summary>
/// One job through the one-machine pipeline (<c>synth run</c>): <see cref="PipelineComposition.AddSynthPipeline"/> with
/// every stage over the in-process bus (<see cref="PipelineComposition.AddInProcessTransport"/>), driven to the end of
/// this job. The store is the source of truth: the composition re-publishes every sample that had not finished its
/// stages, and the generator skips every request already recorded, so an interrupted run resumes without repeating work.
/// </summary>
/// <param name="services">A started host that composed every stage over the in-process bus (the CLI's).</param>
public sealed class LocalPipeline(IServiceProvider services)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public async Task<JobCounts> RunAsync(PipelineJob job, string specText, IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<ISampleStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var bus = services.GetRequiredService<InProcessBus>();
        var options = services.GetRequiredService<IOptions<ProcessorOptions>>().Value;
        services.GetRequiredService<JobCatalog>().Add(job);
        await JobDocuments.SaveAsync(store, job, specText, JobState.Generating, time, cancellationToken).ConfigureAwait(false);

        var generationDone = false;
        var generator = services.GetRequiredService<GeneratorWorker>();
        using var progressTimer = new PeriodicTimer(ProgressInterval);
        var reporting = ReportAsync();
        string? budgetStop;
        try
        {
            // The only generator of this store: leases an interrupted run left end now rather than when they expire.
            await services.GetRequiredService<IRequestClaimStore>().ReleaseAllAsync(job.JobId, cancellationToken).ConfigureAwait(false);
            try
            {
                budgetStop = await generator.RunAsync(job, options.MaxConcurrentRequests, cancellationToken).ConfigureAwait(false);
            }
            catch (ModelEndpointUnavailableException down)
            {
                // Paused, as the control plane pauses it: what was generated finishes its stages, and rerunning resumes.
                await DrainAsync().ConfigureAwait(false);
                await JobDocuments.SaveAsync(store, job, specText, JobState.Paused, time, cancellationToken, down.Message).ConfigureAwait(false);
                throw;
            }

            generationDone = true;
            await JobDocuments.SaveAsync(store, job, specText, JobState.Draining, time, cancellationToken).ConfigureAwait(false);
            await DrainAsync().ConfigureAwait(false);
        }
        finally
        {
            progressTimer.Dispose();
            await reporting.ConfigureAwait(false);
        }

        await JobDocuments.SaveAsync(store, job, specText, JobState.Completed, time, cancellationToken, budgetStop).ConfigureAwait(false);
        var counts = await store.CountAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        progress?.Report(new PipelineProgress(generator.PlannedRequests(job), job.Spec.Generation.Target, counts, GenerationDone: true));
        return counts;

        async Task DrainAsync()
        {
            while (PipelineComposition.AllStages.Any(s => Topics.InputOf(s) is { } topic && bus.UnfinishedCount(topic) > 0))
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }

        async Task ReportAsync()
        {
            if (progress is null)
            {
                return;
            }

            while (await progressTimer.WaitForNextTickAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var counts = await store.CountAsync(job.JobId, CancellationToken.None).ConfigureAwait(false);
                progress.Report(new PipelineProgress(generator.PlannedRequests(job), job.Spec.Generation.Target, counts, generationDone));
            }
        }
    }
}
