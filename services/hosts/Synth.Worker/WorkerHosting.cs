using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Synth.Contracts.Samples;
using Synth.ControlPlane;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Synth.Curation.Processor;
using Synth.Delivery.Processor;
using Synth.Evaluation.Processor;
using Synth.Generation.Processor;
using Synth.Messaging.Kafka;
using Synth.Pipeline;
using Synth.ServiceDefaults;
using Synth.Store;
using Synth.Store.Mongo;
using Synth.Store.Sqlite;

namespace Synth.Worker;

/// <summary>The worker's wiring: the role from configuration (<see cref="WorkerRole"/>), then that role's parts.</summary>
public static class WorkerHosting
{
    public static IHostApplicationBuilder AddSynthWorker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (WorkerRole.IsDatasetSink(builder.Configuration))
        {
            return builder.AddDatasetSinkWorker();
        }

        var stage = WorkerRole.Read(builder.Configuration);
        builder.AddSynthDefaults($"synth-{stage?.Name() ?? WorkerRole.Controller}");

        var services = builder.Services;
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        var health = services.AddHealthFile();
        services.AddSynthStore().AddSqliteStore().AddMongoStore();
        // Before the bus and the stages: hosted services start in order.
        services.AddHostedService<StoreInitialization>();
        if (stage is not { } pipelineStage)
        {
            return builder.AddSynthController();
        }

        health.AddCheck<WorkerHealth>("worker");
        services.AddGeneratorStage().AddFilterStage().AddLabelRefinerStage().AddEvaluatorStage();
        services.AddNamedKafkaTransport();
        services.AddSynthPipeline([pipelineStage]);
        // With a ControlPlane section the stage takes part in the control plane (a generator runs the jobs it is told
        // to); without one a generator runs the job spec file it is given.
        if (builder.Configuration.GetSection(ControlPlaneOptions.SectionName).Exists())
        {
            builder.AddControlPlaneStages([pipelineStage]);
        }
        else if (pipelineStage == Stage.Generator)
        {
            services.AddJobFileGeneration();
        }

        return builder;
    }

    /// <summary>Kafka, told this instance's name: with Kafka:StaticMembership it is the consumers' group.instance.id.</summary>
    private static IServiceCollection AddNamedKafkaTransport(this IServiceCollection services)
    {
        services.AddKafkaTransport();
        services.AddOptions<KafkaOptions>().PostConfigure<IOptions<InstanceOptions>>((kafka, instance) => kafka.InstanceName ??= instance.Value.InstanceName);
        return services;
    }

    /// <summary>
    /// The dataset sink: consumes synth.samples.curated over Kafka as its own consumer group and writes Parquet shards
    /// to DatasetSink:Target (a local folder or Azure Blob Storage). It reads no store: every record carries its row.
    /// </summary>
    private static IHostApplicationBuilder AddDatasetSinkWorker(this IHostApplicationBuilder builder)
    {
        builder.AddSynthDefaults($"synth-{WorkerRole.DatasetSink}");
        var services = builder.Services;
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.AddHealthFile().AddCheck<WorkerHealth>("worker");
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WorkerHealth>();
        services.AddNamedKafkaTransport();
        services.AddDatasetSinkStage();
        return builder;
    }
}
