using Microsoft.Extensions.Configuration;
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
/// One job through the one-machine pipeline (<c>synth run</c>): <see cref="PipelineComposition.AddSynthPipeline"/> with
/// every stage over the in-process bus (<see cref="PipelineComposition.AddInProcessTransport"/>), driven to the end of
/// this job. The store is the source of truth: the composition re-publishes every sample that had not finished its
/// stages, and the generator skips every request already recorded, so an interrupted run resumes without repeating work.
/// </summary>
public sealed class LocalPipeline
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly IServiceProvider? _host;
    private readonly Func<ServiceProvider>? _compose;

    /// <summary>Over a started host that composed every stage over the in-process bus (the CLI's).</summary>
    public LocalPipeline(IServiceProvider host)
    {
        _host = host;
    }

    /// <summary>Over a composition of its own, of the given store and processors, started and stopped by each run.</summary>
    public LocalPipeline(
        SynthStores stores,
        ISampleGenerator generator,
        IReadOnlyList<ISampleProcessor> processors,
        ProcessorOptions options,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        string instanceName)
    {
        _compose = () =>
        {
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
            services.AddSingleton(loggerFactory);
            services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
            services.AddSingleton(time);
            services.AddSingleton(Options.Create(options));
            services.AddSingleton(stores.Samples);
            services.AddSingleton(stores.Browse);
            services.AddSingleton(new InstanceIdentity(instanceName));
            services.AddSingleton(new StageModule(Stage.Generator, _ => generator));
            foreach (var processor in processors)
            {
                services.AddSingleton(new StageModule(processor.Stage, _ => processor));
            }

            services.AddInProcessTransport();
            services.AddSynthPipeline(PipelineComposition.AllStages);
            return services.BuildServiceProvider();
        };
    }

    public async Task<JobCounts> RunAsync(PipelineJob job, string specText, IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        if (_host is not null)
        {
            return await RunAsync(_host, job, specText, progress, cancellationToken).ConfigureAwait(false);
        }

        await using var services = _compose!();
        var store = services.GetRequiredService<ISampleStore>();
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        // Stored before the stages start, so their resume step includes this job if an earlier run left it unfinished.
        await JobDocuments.SaveAsync(store, job, specText, JobState.Generating, services.GetRequiredService<TimeProvider>(), cancellationToken)
            .ConfigureAwait(false);
        var started = new List<IHostedService>();
        try
        {
            foreach (var hosted in services.GetServices<IHostedService>())
            {
                await hosted.StartAsync(cancellationToken).ConfigureAwait(false);
                started.Add(hosted);
            }

            return await RunAsync(services, job, specText, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            started.Reverse();
            foreach (var hosted in started)
            {
                await hosted.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static async Task<JobCounts> RunAsync(
        IServiceProvider services, PipelineJob job, string specText, IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<ISampleStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var bus = services.GetRequiredService<InProcessBus>();
        var options = services.GetRequiredService<IOptions<ProcessorOptions>>().Value;
        services.GetRequiredService<JobCatalog>().Add(job);
        await JobDocuments.SaveAsync(store, job, specText, JobState.Generating, time, cancellationToken).ConfigureAwait(false);

        var generationDone = false;
        var planned = GeneratorWorker.RequestCount(job);
        using var progressTimer = new PeriodicTimer(ProgressInterval);
        var reporting = ReportAsync();
        string? budgetStop;
        try
        {
            budgetStop = await services.GetRequiredService<GeneratorWorker>()
                .RunAsync(job, GeneratorShard.Single, options.MaxConcurrentRequests, cancellationToken).ConfigureAwait(false);
            generationDone = true;
            await JobDocuments.SaveAsync(store, job, specText, JobState.Draining, time, cancellationToken).ConfigureAwait(false);

            while (PipelineComposition.AllStages.Any(s => Topics.InputOf(s) is { } topic && bus.UnfinishedCount(topic) > 0))
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
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
}
