using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synth.ControlPlane;
using Synth.ControlPlane.Stages;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.ServiceDefaults;

/// <summary>How stages take part in the control plane: in a stage service, or all of them in one process.</summary>
public static class ControlPlaneParticipation
{
    /// <summary>How often a stage reports its progress per job.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A stage service under the control plane: it reports progress; a generator takes its share of the jobs it is
    /// told to run; the evaluator builds a job's report when told to.
    /// </summary>
    public static IHostApplicationBuilder AddControlPlaneParticipant(this IHostApplicationBuilder builder, Stage stage)
    {
        var services = builder.Services;
        services.AddHostedService<StoreInitialization>();
        services.AddSingleton<IStageObserver>(sp => new StageProgressReporter(sp.GetRequiredService<IBus>(), InstanceName(sp), ProgressInterval));
        if (stage == Stage.Generator)
        {
            services.AddSingleton(sp =>
            {
                var o = sp.GetRequiredService<IOptions<GeneratorOptions>>().Value;
                return new GeneratorShard(o.ShardIndex, o.ShardCount);
            });
            services.AddSingleton<GenerationRunner>();
            services.AddHostedService<GeneratorRecovery>();
            services.AddHostedService<ControlPlaneGeneratorHealth>();
        }

        return builder.AddSynthControlPlane(bus =>
        {
            if (stage == Stage.Generator)
            {
                AddGenerationCommands(bus, builder);
            }
            else if (stage == Stage.Evaluator)
            {
                bus.AddConsumer<EvaluateJobConsumer>();
            }
        });
    }

    /// <summary>
    /// One machine, serving: the control plane (in-memory bus, state machine) and every stage in this process over
    /// bounded in-process channels, running every job submitted through <see cref="IJobControl"/>. Call after
    /// <see cref="SynthHosting.AddSynthDefaults"/>.
    /// </summary>
    public static IHostApplicationBuilder AddInProcessPipeline(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHostedService<StoreInitialization>();
        services.AddSingleton(sp => new InProcessBus(Math.Max(64, sp.GetRequiredService<IOptions<ProcessorOptions>>().Value.MaxInFlight * 4)));
        services.AddSingleton<IMessagePublisher>(sp => sp.GetRequiredService<InProcessBus>());
        services.AddSingleton<InProcessFeedbackHub>();
        services.AddSingleton<IFeedbackPublisher>(sp => sp.GetRequiredService<InProcessFeedbackHub>());
        services.AddSingleton<IFeedbackSource>(sp => sp.GetRequiredService<InProcessFeedbackHub>());
        services.AddSingleton(sp => new JobCatalog(sp.GetRequiredService<ISampleStore>()));
        services.AddSingleton(sp => ProcessorLoader.CreateGenerator(sp, sp.GetRequiredService<IOptions<ProcessorOptions>>().Value));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<GeneratorWorker>(sp, new StageActivity(Stage.Generator), InstanceName(sp)));
        services.AddSingleton(GeneratorShard.Single);
        services.AddSingleton<GenerationRunner>();
        services.AddSingleton<IStageObserver>(sp => new StageProgressReporter(sp.GetRequiredService<IBus>(), InstanceName(sp), ProgressInterval));
        services.AddHostedService<InProcessStages>();
        return builder.AddSynthControlPlane(bus =>
        {
            AddGenerationCommands(bus, builder);
            bus.AddConsumer<EvaluateJobConsumer>();
        });
    }

    private static void AddGenerationCommands(IBusRegistrationConfigurator bus, IHostApplicationBuilder builder)
    {
        // Every generator instance needs every command: a queue of its own, gone with the instance.
        var instance = builder.Configuration[$"{InstanceOptions.SectionName}:{nameof(InstanceOptions.InstanceName)}"]
            ?? new InstanceOptions().InstanceName;
        bus.AddConsumer<GenerationCommandConsumer>().Endpoint(e =>
        {
            e.InstanceId = QueueSafe(instance);
            e.Temporary = true;
        });
    }

    private static string QueueSafe(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());

    private static string InstanceName(IServiceProvider services) =>
        services.GetRequiredService<IOptions<InstanceOptions>>().Value.InstanceName;
}

/// <summary>The filter, label refiner and evaluator of <see cref="ControlPlaneParticipation.AddInProcessPipeline"/>, for every job.</summary>
public sealed partial class InProcessStages(IServiceProvider services, InProcessBus bus, ILogger<InProcessStages> logger) : BackgroundService
{
    private static readonly Stage[] ConsumingStages = [Stage.Filter, Stage.LabelRefiner, Stage.Evaluator];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = services.GetRequiredService<IOptions<ProcessorOptions>>().Value;
        var instance = services.GetRequiredService<IOptions<InstanceOptions>>().Value.InstanceName;
        var processors = ConsumingStages.Select(stage => ProcessorLoader.CreateProcessor(services, options, stage)).ToList();
        var generator = services.GetRequiredService<ISampleGenerator>();
        try
        {
            var consumers = processors.Select(processor =>
            {
                var worker = new StageWorker(processor, services.GetRequiredService<ISampleStore>(), bus, services.GetRequiredService<JobCatalog>(),
                    new StageActivity(processor.Stage), services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<StageWorker>>(),
                    instance, services.GetRequiredService<IStageObserver>());
                var settings = new ConsumeSettings { Topic = Topics.InputOf(processor.Stage)!, GroupId = processor.Stage.Name(), MaxInFlight = options.MaxInFlight };
                bus.Subscribe(settings.Topic);
                return Task.Run(() => bus.ConsumeAsync(settings, worker, stoppingToken), CancellationToken.None);
            }).ToList();
            consumers.Add(ForwardFeedbackAsync(generator, stoppingToken));
            LogRunning(logger, ConsumingStages.Length);
            await RepublishUnfinishedAsync(instance, stoppingToken).ConfigureAwait(false);
            await Task.WhenAll(consumers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var processor in processors.OfType<IDisposable>())
            {
                processor.Dispose();
            }
        }
    }

    /// <summary>
    /// The channels died with the last process: every sample of an unfinished job that had not finished its stages
    /// goes in again (a stage that already decided re-emits its decision), or a restarted host would wait on them forever.
    /// </summary>
    private async Task RepublishUnfinishedAsync(string instance, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<ISampleStore>();
        var sagas = await services.GetRequiredService<ISagaStore>().ListSagasAsync(ControlPlaneRecovery.UnfinishedStates, cancellationToken)
            .ConfigureAwait(false);
        foreach (var saga in sagas)
        {
            var republished = await SampleMessages.RepublishAsync(store, bus,
                new SampleQuery { JobId = saga.JobId, States = [SampleState.Generated, SampleState.Accepted, SampleState.Refined], Limit = 500 },
                _ => true, $"/synth/resume/{instance}", services.GetRequiredService<TimeProvider>(), cancellationToken).ConfigureAwait(false);
            LogRepublished(logger, saga.JobId, republished);
        }
    }

    private async Task ForwardFeedbackAsync(ISampleGenerator generator, CancellationToken cancellationToken)
    {
        await foreach (var message in services.GetRequiredService<IFeedbackSource>().SubscribeAsync(cancellationToken).ConfigureAwait(false))
        {
            await generator.OnFeedbackAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: {Count} unfinished samples sent through their stages again")]
    private static partial void LogRepublished(ILogger logger, string jobId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "In-process pipeline: {Stages} consuming stages running for every job")]
    private static partial void LogRunning(ILogger logger, int stages);
}
