using Microsoft.Extensions.Logging;
using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Pipeline;

/// <summary>Progress of a one-machine run, as counted in the store.</summary>
public sealed record PipelineProgress(long RequestsPlanned, JobCounts Counts, bool GenerationDone);

/// <summary>
/// The one-machine pipeline: every stage in this process, bounded in-process channels between them, one store.
/// The store is the source of truth: a rerun re-publishes every sample that had not finished its stage, and the
/// generator skips every request already recorded, so an interrupted run resumes without repeating work.
/// </summary>
public sealed partial class LocalPipeline(
    ISampleStore store,
    ISampleGenerator generator,
    IReadOnlyList<ISampleProcessor> processors,
    ProcessorOptions options,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    string instanceName)
{
    private static readonly Stage[] ConsumingStages = [Stage.Filter, Stage.LabelRefiner, Stage.Evaluator];

    public async Task<JobCounts> RunAsync(PipelineJob job, string specText, IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger<LocalPipeline>();
        // Every stage must have its processor before anything starts, so a misconfiguration leaves nothing running.
        var stageProcessors = ConsumingStages.ToDictionary(
            stage => stage,
            stage => processors.SingleOrDefault(p => p.Stage == stage)
                ?? throw new InvalidOperationException($"No processor for stage {stage.Name()} ({ProcessorLoader.SettingName(stage)})."));
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await JobDocuments.SaveAsync(store, job, specText, JobState.Generating, time, cancellationToken).ConfigureAwait(false);

        var bus = new InProcessBus(
            capacityPerTopic: Math.Max(64, options.MaxInFlight * 4),
            onHandlerError: (message, error, attempt) => LogRetry(logger, message.Key, message.Topic, attempt, error));
        var catalog = new JobCatalog(store);
        catalog.Add(job);

        using var stopConsumers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var consumers = new List<Task>();
        foreach (var stage in ConsumingStages)
        {
            var worker = new StageWorker(stageProcessors[stage], store, bus, catalog, new StageActivity(stage), time,
                loggerFactory.CreateLogger<StageWorker>(), instanceName);
            var settings = new ConsumeSettings { Topic = Topics.InputOf(stage)!, GroupId = stage.Name(), MaxInFlight = options.MaxInFlight };
            bus.Subscribe(settings.Topic);
            consumers.Add(Task.Run(() => bus.ConsumeAsync(settings, worker, stopConsumers.Token), CancellationToken.None));
        }

        var generationDone = false;
        string? budgetStop = null;
        var planned = GeneratorWorker.RequestCount(job);
        using var progressTimer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        var reporting = ReportAsync();
        try
        {
            // The channels died with the last run; samples that had not finished a later stage go in again.
            await SampleMessages.RepublishAsync(
                store, bus, new SampleQuery { JobId = job.JobId, States = [SampleState.Accepted, SampleState.Refined], Limit = 500 },
                _ => true, $"/synth/resume/{instanceName}", time, cancellationToken).ConfigureAwait(false);
            var generatorWorker = new GeneratorWorker(generator, store, bus, new StageActivity(Stage.Generator), time,
                loggerFactory.CreateLogger<GeneratorWorker>(), instanceName);
            budgetStop = await generatorWorker.RunAsync(job, GeneratorShard.Single, options.MaxConcurrentRequests, cancellationToken).ConfigureAwait(false);
            generationDone = true;
            await JobDocuments.SaveAsync(store, job, specText, JobState.Draining, time, cancellationToken).ConfigureAwait(false);

            while (ConsumingStages.Any(s => bus.UnfinishedCount(Topics.InputOf(s)!) > 0))
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await stopConsumers.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(consumers).ConfigureAwait(false);
            progressTimer.Dispose();
            await reporting.ConfigureAwait(false);
        }

        await JobDocuments.SaveAsync(store, job, specText, JobState.Completed, time, cancellationToken, budgetStop).ConfigureAwait(false);
        var counts = await store.CountAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        progress?.Report(new PipelineProgress(planned, counts, GenerationDone: true));
        return counts;

        async Task ReportAsync()
        {
            if (progress is null)
            {
                return;
            }

            while (await progressTimer.WaitForNextTickAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var counts = await store.CountAsync(job.JobId, CancellationToken.None).ConfigureAwait(false);
                progress.Report(new PipelineProgress(planned, counts, generationDone));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handling {SampleId} from {Topic} failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, string? sampleId, string topic, int attempt, Exception error);
}
