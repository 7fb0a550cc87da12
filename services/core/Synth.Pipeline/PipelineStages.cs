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
public sealed partial class PipelineStages : IHostedService, IDisposable
{
    /// <summary>The consumer group every instance of a consuming stage joins: "synth-&lt;stage&gt;" (what KEDA scales on, infra/k8s).</summary>
    public static string ConsumerGroupOf(Stage stage) => $"synth-{stage.Name()}";

    /// <summary>Job states whose samples may still be between stages.</summary>
    private static readonly JobState[] UnfinishedJobStates = [JobState.Submitted, JobState.Generating, JobState.Draining, JobState.Evaluating];

    private static readonly SampleState[] BetweenStages = [SampleState.Generated, SampleState.Accepted, SampleState.Refined];

    private readonly IServiceProvider _services;
    private readonly IReadOnlyList<Stage> _stages;
    private readonly ISampleStore _store;
    private readonly IBrowseStore _jobs;
    private readonly IMessageTransport _transport;
    private readonly JobCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly ProcessorOptions _options;
    private readonly string _instance;
    private readonly WorkerHealth _health;
    private readonly IStageObserver? _observer;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly ILogger<StageWorker> _workerLogger;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<ISampleProcessor> _processors = [];
    private readonly List<Task> _loops = [];
    private int _disposed;

    /// <param name="services">Where the stages' processors come from (<see cref="PipelineComposition.CreateProcessor"/>), at start.</param>
    /// <param name="stages">The consuming stages to run.</param>
    public PipelineStages(IServiceProvider services, IReadOnlyList<Stage> stages)
    {
        _services = services;
        _stages = stages;
        _store = services.GetRequiredService<ISampleStore>();
        _jobs = services.GetRequiredService<IBrowseStore>();
        _transport = services.GetRequiredService<IMessageTransport>();
        _catalog = services.GetRequiredService<JobCatalog>();
        _time = services.GetRequiredService<TimeProvider>();
        _options = services.GetRequiredService<IOptions<ProcessorOptions>>().Value;
        _instance = services.GetRequiredService<InstanceIdentity>().Name;
        _health = services.GetRequiredService<WorkerHealth>();
        _observer = services.GetService<IStageObserver>();
        _lifetime = services.GetService<IHostApplicationLifetime>();
        _workerLogger = services.GetRequiredService<ILogger<StageWorker>>();
        _logger = services.GetRequiredService<ILogger<PipelineStages>>();
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Every stage must have its processor before anything starts, so a misconfiguration leaves nothing running.
        _processors.AddRange(_stages.Select(stage => PipelineComposition.CreateProcessor(_services, stage)));
        foreach (var processor in _processors)
        {
            var worker = new StageWorker(processor, _store, _transport, _catalog, new StageActivity(processor.Stage), _time, _workerLogger,
                _instance, _observer, maxProcessing: _options.MaxInFlight);
            var settings = new ConsumeSettings
            {
                Topic = Topics.InputOf(processor.Stage)!,
                GroupId = ConsumerGroupOf(processor.Stage),
                MaxInFlight = _options.MessagesInFlight,
            };
            LogStarting(_logger, processor.Stage, settings.Topic, settings.GroupId);
            _loops.Add(WatchAsync(processor.Stage, _transport.ConsumeAsync(settings, worker, _stopping.Token)));
        }

        _health.Running();
        if (!_transport.KeepsMessagesAcrossRestarts)
        {
            await ResumeUnfinishedAsync(cancellationToken).ConfigureAwait(false);
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
    private async Task ResumeUnfinishedAsync(CancellationToken cancellationToken)
    {
        string? after = null;
        do
        {
            var page = await _jobs.ListJobsAsync(after, 100, cancellationToken).ConfigureAwait(false);
            foreach (var job in page.Items.Where(job => UnfinishedJobStates.Contains(job.State)))
            {
                var republished = await SampleMessages.RepublishAsync(_store, _transport,
                    new SampleQuery { JobId = job.Id, States = BetweenStages, Limit = 500 },
                    _ => true, $"/synth/resume/{_instance}", _time, cancellationToken).ConfigureAwait(false);
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
            _health.Faulted($"{ex.GetType().Name}: {ex.Message}");
            LogFaulted(_logger, ex, stage);
            _lifetime?.StopApplication();
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
