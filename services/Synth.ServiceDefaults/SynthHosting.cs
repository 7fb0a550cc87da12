using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Synth.ControlPlane;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Messaging.Kafka;
using Synth.Pipeline;
using Synth.Store;
using Synth.Store.Mongo;
using Synth.Store.Sqlite;

namespace Synth.ServiceDefaults;

/// <summary>The wiring of a stage service: a Program.cs calls <see cref="AddSynthStage"/> and runs the host.</summary>
public static class SynthHosting
{
    /// <summary>Telemetry, options and the store: what the CLI and every service share.</summary>
    public static IHostApplicationBuilder AddSynthDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<InstanceOptions>().BindConfiguration(InstanceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StoreOptions>().BindConfiguration(StoreOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ProcessorOptions>().BindConfiguration(ProcessorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ISampleStore>(sp => CreateStore(sp.GetRequiredService<IOptions<StoreOptions>>().Value));
        services.AddSingleton(sp => (IBudgetStore)sp.GetRequiredService<ISampleStore>());
        services.AddSingleton(sp => (IFailedRequestStore)sp.GetRequiredService<ISampleStore>());
        services.AddSingleton(sp => new InstanceIdentity(sp.GetRequiredService<IOptions<InstanceOptions>>().Value.InstanceName));
        services.AddSingleton(sp => (IDedupStore)sp.GetRequiredService<ISampleStore>());
        services.AddSingleton(sp => (IConceptTreeStore)sp.GetRequiredService<ISampleStore>());
        services.AddSingleton(sp => (IReviewStore)sp.GetRequiredService<ISampleStore>());
        services.AddSingleton(sp => (IReportStore)sp.GetRequiredService<ISampleStore>());
        services.AddSingleton(sp => (ISagaStore)sp.GetRequiredService<ISampleStore>());
        services.AddSingleton(sp => (IBrowseStore)sp.GetRequiredService<ISampleStore>());

        var telemetry = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var instance = builder.Configuration.GetSection(InstanceOptions.SectionName).Get<InstanceOptions>() ?? new InstanceOptions();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: instance.InstanceName))
            .WithTracing(tracing =>
            {
                // Spans are always made, so every decision records its trace id; they are exported only when asked.
                tracing.AddSource(MessageTracing.ActivitySourceName, PipelineTracing.ActivitySourceName);
                if (telemetry.OtlpEndpoint is { } endpoint)
                {
                    tracing.AddOtlpExporter(otlp =>
                    {
                        otlp.Endpoint = endpoint;
                        otlp.Protocol = telemetry.OtlpProtocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                    });
                }
            });
        return builder;
    }

    /// <summary>Everything a stage service needs; the processor is the one configured under "Processors".</summary>
    public static IHostApplicationBuilder AddSynthStage(this IHostApplicationBuilder builder, Stage stage)
    {
        builder.AddSynthDefaults($"synth-{stage.Name()}");
        var services = builder.Services;
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.AddKafkaMessaging();
        services.AddSingleton<WorkerHealth>();
        services.AddHealthFile().AddCheck<WorkerHealth>("worker");

        services.AddSingleton(sp => new StageActivity(stage));
        services.AddSingleton(sp => new JobCatalog(sp.GetRequiredService<ISampleStore>()));

        var underControlPlane = builder.Configuration.GetSection(ControlPlaneOptions.SectionName).Exists();
        if (stage == Stage.Generator)
        {
            var generatorOptions = services.AddOptions<GeneratorOptions>().BindConfiguration(GeneratorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
            services.AddSingleton(sp => ProcessorLoader.CreateGenerator(sp, sp.GetRequiredService<IOptions<ProcessorOptions>>().Value));
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<GeneratorWorker>(sp, InstanceName(sp)));
            if (!underControlPlane)
            {
                generatorOptions.Validate(o => !string.IsNullOrWhiteSpace(o.JobFile),
                    "Generator:JobFile is required: the path of the job spec (YAML) to generate (or configure the ControlPlane section to take jobs from the control plane).");
                services.AddHostedService<GeneratorHostedService>();
            }

            services.AddSingleton<FeedbackHandler>();
            services.AddHostedService<FeedbackHostedService>();
        }
        else
        {
            services.AddSingleton(sp => ProcessorLoader.CreateProcessor(sp, sp.GetRequiredService<IOptions<ProcessorOptions>>().Value, stage));
            if (stage == Stage.Evaluator)
            {
                // The evaluator's coverage and novelty go to the generators on Kafka's synth.feedback topic.
                services.AddSingleton<IFeedbackPublisher, TopicFeedbackPublisher>();
            }

            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<StageWorker>(sp, InstanceName(sp)));
            services.AddHostedService(sp => ActivatorUtilities.CreateInstance<StageHostedService>(sp, stage));
        }

        if (underControlPlane)
        {
            builder.AddControlPlaneParticipant(stage);
        }

        return builder;
    }

    private static string InstanceName(IServiceProvider services) =>
        services.GetRequiredService<IOptions<InstanceOptions>>().Value.InstanceName;

    public static ISampleStore CreateStore(StoreOptions options) => options.Provider switch
    {
        StoreProvider.Sqlite => new SqliteSampleStore(options.SqlitePath),
        StoreProvider.Mongo => new MongoSampleStore(new MongoStoreOptions { ConnectionString = options.MongoUri!, Database = options.MongoDatabase }),
        _ => throw new InvalidOperationException($"Store:Provider '{options.Provider}' is not supported."),
    };
}
