using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Synth.Contracts.Samples;
using Synth.ControlPlane.Stages;
using Synth.Pipeline;

namespace Synth.ControlPlane;

/// <summary>How the pipeline's stages take part in the control plane, in a worker (one stage) or all in one process.</summary>
public static class ControlPlaneStages
{
    /// <summary>How often a stage reports its progress per job.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The given stages under the control plane: they report progress; a generator takes part in every job it is
    /// told to run; the evaluator builds a job's report when told to. Call after
    /// <see cref="PipelineComposition.AddSynthPipeline"/> with the same stages; this adds the control plane's bus.
    /// </summary>
    public static IHostApplicationBuilder AddControlPlaneStages(this IHostApplicationBuilder builder, IReadOnlyCollection<Stage> stages)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(stages);
        var services = builder.Services;
        services.AddSingleton<IStageObserver>(sp =>
            new StageProgressReporter(sp.GetRequiredService<IBus>(), sp.GetRequiredService<InstanceIdentity>().Name, ProgressInterval));
        var generates = stages.Contains(Stage.Generator);
        if (generates)
        {
            services.AddSingleton<GenerationRunner>();
            var options = builder.Configuration.GetSection(ControlPlaneOptions.SectionName).Get<ControlPlaneOptions>() ?? new ControlPlaneOptions();
            if (!options.RunStateMachine)
            {
                // The state machine's start command went out before this instance listened; in its own process its
                // recovery sends it again.
                services.AddHostedService<GeneratorRecovery>();
            }

            services.AddHostedService<ControlPlaneGeneratorHealth>();
        }

        builder.AddSynthControlPlane(bus =>
        {
            if (generates)
            {
                AddGenerationCommands(bus, builder.Configuration);
            }

            if (stages.Contains(Stage.Evaluator))
            {
                bus.AddConsumer<EvaluateJobConsumer>();
            }
        });
        if (generates)
        {
            // After the bus: hosted services stop in reverse order, so the runs stop while the bus still runs.
            services.AddHostedService<GenerationRunnerLifetime>();
        }

        return builder;
    }

    /// <summary>
    /// One machine, serving: every stage in this process over the in-process bus (<see cref="PipelineComposition"/>)
    /// under the control plane, running every job submitted through <see cref="IJobControl"/>. The state machine runs
    /// here when ControlPlane:RunStateMachine says so (the default).
    /// </summary>
    public static IHostApplicationBuilder AddInProcessPipeline(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddInProcessTransport();
        builder.Services.AddSynthPipeline(PipelineComposition.AllStages);
        return builder.AddControlPlaneStages(PipelineComposition.AllStages);
    }

    private static void AddGenerationCommands(IBusRegistrationConfigurator bus, IConfiguration configuration)
    {
        // Every generator instance needs every command: a queue of its own, gone with the instance.
        var instance = configuration[InstanceIdentity.ConfigurationKey] is { Length: > 0 } name ? name : InstanceIdentity.DefaultName;
        bus.AddConsumer<GenerationCommandConsumer>().Endpoint(e =>
        {
            e.InstanceId = QueueSafe(instance);
            e.Temporary = true;
        });
    }

    private static string QueueSafe(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());
}
