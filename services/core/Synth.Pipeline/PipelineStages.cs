using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Pipeline;

/// <summary>
/// The consuming stages of <see cref="PipelineComposition.AddSynthPipeline"/>: each stage's worker on its input topic,
/// for every job. Start-up finishes only when the loops run and, on a transport that loses messages with the process,
/// every unfinished sample is back on its topic; a loop that fails stops the host, and the health check says why.
/// </summary>
public sealed partial class PipelineStages(IServiceProvider services, IReadOnlyList<Stage> stages) : IHostedService, IDisposable
{
    /// <summary>Job states whose samples may still be between stages.</summary>
    private static readonly JobState[] UnfinishedJobStates = [JobState.Submitted, JobState.Generating, JobState.Draining, JobState.Evaluating];

    private static readonly SampleState[] BetweenStages = [SampleState.Generated, SampleState.Accepted, SampleState.Refined];

    private readonly CancellationTokenSource _stopping = new();
    private readonly List<ISampleProcessor> _processors = [];
    private readonly List<Task> _loops = [];
    private int _disposed;
    private readonly ILogger _logger = services.GetRequiredService<ILogger<PipelineStages>>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Every stage must have its processor before anything starts, so a misconfiguration leaves nothing running.
        _processors.AddRange(stages.Select(stage => PipelineComposition.CreateProcessor(services, stage)));
        var transport = services.GetRequiredService<IMessageTransport>();
        var options = services.GetRequiredService<IOptions<ProcessorOptions>>().Value;
        var instance = services.GetRequiredService<InstanceIdentity>().Name;
        foreach (var processor in _processors)
        {
            var worker = new StageWorker(processor, services.GetRequiredService<ISampleStore>(), transport, services.GetRequiredService<JobCatalog>(),
                new StageActivity(processor.Stage), services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<StageWorker>>(),
                instance, services.GetService<IStageObserver>());
            var settings = new ConsumeSettings
            {
                Topic = Topics.InputOf(processor.Stage)!,
                GroupId = $"synth-{processor.Stage.Name()}",
                MaxInFlight = options.MaxInFlight,
            };
            LogStarting(_logger, processor.Stage, settings.Topic, settings.GroupId);
            _loops.Add(WatchAsync(processor.Stage, transport.ConsumeAsync(settings, worker, _stopping.Token)));
        }

        services.GetRequiredService<WorkerHealth>().Running();
        if (!transport.KeepsMessagesAcrossRestarts)
        {
            await ResumeUnfinishedAsync(transport, instance, cancellationToken).ConfigureAwait(false);
        }
    }

    // A host may be stopped again after its container disposed this (WebApplicationFactory's dispose does), so
    // stopping only cancels and waits, and does nothing once disposed; what it owns is released once, in Dispose.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        foreach (var processor in _processors.OfType<IDisposable>())
        {
            processor.Dispose();
        }

        _stopping.Dispose();
    }

    /// <summary>
    /// The messages between stages died with the last process: every sample of an unfinished job that had not finished
    /// its stages goes in again (a stage that already decided re-emits its decision), or it would be waited on forever.
    /// </summary>
    private async Task ResumeUnfinishedAsync(IMessageTransport transport, string instance, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<ISampleStore>();
        var jobs = services.GetRequiredService<IBrowseStore>();
        string? after = null;
        do
        {
            var page = await jobs.ListJobsAsync(after, 100, cancellationToken).ConfigureAwait(false);
            foreach (var job in page.Items.Where(job => UnfinishedJobStates.Contains(job.State)))
            {
                var republished = await SampleMessages.RepublishAsync(store, transport,
                    new SampleQuery { JobId = job.Id, States = BetweenStages, Limit = 500 },
                    _ => true, $"/synth/resume/{instance}", services.GetRequiredService<TimeProvider>(), cancellationToken).ConfigureAwait(false);
                LogRepublished(_logger, job.Id, republished);
            }

            after = page.NextAfterId;
        }
        while (after is not null);
    }

    private async Task WatchAsync(Stage stage, Task loop)
    {
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            services.GetRequiredService<WorkerHealth>().Faulted($"{ex.GetType().Name}: {ex.Message}");
            LogFaulted(_logger, ex, stage);
            services.GetService<IHostApplicationLifetime>()?.StopApplication();
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stage {Stage} consuming {Topic} as group {Group}")]
    private static partial void LogStarting(ILogger logger, Stage stage, string topic, string group);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: {Count} unfinished samples sent through their stages again")]
    private static partial void LogRepublished(ILogger logger, string jobId, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Stage {Stage} stopped on an error")]
    private static partial void LogFaulted(ILogger logger, Exception error, Stage stage);
}
