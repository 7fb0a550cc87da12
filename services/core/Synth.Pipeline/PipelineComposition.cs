using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Pipeline;

/// <summary>
/// The one composition of the pipeline, used by every host: the worker (one stage over Kafka), the API's one-machine
/// mode and <c>synth run</c> (every stage over the in-process bus). The transport is whichever
/// <see cref="IMessageTransport"/> the host registered (<see cref="AddInProcessTransport"/> or Kafka's
/// <c>AddKafkaTransport</c>); the processors come from the stage modules (<see cref="StageModule"/>) or configuration.
/// Needs the store registered (<c>AddSynthStore</c>).
/// </summary>
public static partial class PipelineComposition
{
    /// <summary>Every stage, in pipeline order: what one machine runs.</summary>
    public static readonly IReadOnlyList<Stage> AllStages = [Stage.Generator, Stage.Filter, Stage.LabelRefiner, Stage.Evaluator];

    /// <summary>
    /// The given stages of the pipeline over the registered transport: the generator's worker (driven by a job file,
    /// the control plane or <see cref="LocalPipeline"/>) with its feedback, and each consuming stage's worker and
    /// consume loop (<see cref="PipelineStages"/>, which also resumes what an in-process transport lost).
    /// </summary>
    public static IServiceCollection AddSynthPipeline(this IServiceCollection services, IReadOnlyCollection<Stage> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new InstanceIdentity(
            sp.GetRequiredService<IConfiguration>()[InstanceIdentity.ConfigurationKey] is { Length: > 0 } name ? name : InstanceIdentity.DefaultName));
        services.AddOptions<ProcessorOptions>().BindConfiguration(ProcessorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => new JobCatalog(sp.GetRequiredService<ISampleStore>()));
        services.TryAddSingleton<WorkerHealth>();
        services.TryAddSingleton<IMessagePublisher>(sp => sp.GetRequiredService<IMessageTransport>());
        if (stages.Contains(Stage.Evaluator))
        {
            // The evaluator's coverage and novelty go to the generators on synth.feedback (in-process: the hub).
            services.TryAddSingleton<IFeedbackPublisher>(sp => new TopicFeedbackPublisher(sp.GetRequiredService<IMessagePublisher>()));
        }

        if (stages.Contains(Stage.Generator))
        {
            services.AddOptions<GeneratorOptions>().BindConfiguration(GeneratorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
            services.AddSingleton(CreateGenerator);
            services.AddSingleton(sp => new GeneratorWorker(sp.GetRequiredService<ISampleGenerator>(), sp.GetRequiredService<ISampleStore>(),
                sp.GetRequiredService<IRequestClaimStore>(), sp.GetRequiredService<IMessageTransport>(), new StageActivity(Stage.Generator),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<GeneratorWorker>>(), sp.GetRequiredService<InstanceIdentity>().Name,
                sp.GetRequiredService<IOptions<GeneratorOptions>>().Value));
            services.AddHostedService<GeneratorFeedback>();
        }

        var consuming = stages.Where(stage => stage != Stage.Generator).Distinct().Order().ToArray();
        if (consuming.Length > 0)
        {
            services.AddHostedService(sp => new PipelineStages(sp, consuming));
        }

        return services;
    }

    /// <summary>
    /// One machine: the in-process bus as the transport (bounded channels between stages) and the evaluator's feedback
    /// handed to the generator in process.
    /// </summary>
    public static IServiceCollection AddInProcessTransport(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger<InProcessBus>();
            return new InProcessBus(
                capacityPerTopic: Math.Max(64, sp.GetRequiredService<IOptions<ProcessorOptions>>().Value.MessagesInFlight),
                onHandlerError: (message, error, attempt) => LogRetry(logger, message.Key, message.Topic, attempt, error));
        });
        services.AddSingleton<IMessageTransport>(sp => sp.GetRequiredService<InProcessBus>());
        services.AddSingleton<IMessagePublisher>(sp => sp.GetRequiredService<InProcessBus>());
        services.AddSingleton<InProcessFeedbackHub>();
        services.AddSingleton<IFeedbackPublisher>(sp => sp.GetRequiredService<InProcessFeedbackHub>());
        services.AddSingleton<IFeedbackSource>(sp => sp.GetRequiredService<InProcessFeedbackHub>());
        return services;
    }

    /// <summary>
    /// A generator that runs the job spec file it is given (Generator:JobFile, required) instead of taking jobs from
    /// the control plane. Call with <see cref="AddSynthPipeline"/> for the generator stage.
    /// </summary>
    public static IServiceCollection AddJobFileGeneration(this IServiceCollection services)
    {
        services.AddOptions<GeneratorOptions>().Validate(o => !string.IsNullOrWhiteSpace(o.JobFile),
            "Generator:JobFile is required: the path of the job spec (YAML) to generate (or configure the ControlPlane section to take jobs from the control plane).");
        services.AddHostedService<GeneratorHostedService>();
        return services;
    }

    /// <summary>The generator: the type named in Processors:Generator, else the generation module's built-in one.</summary>
    public static ISampleGenerator CreateGenerator(IServiceProvider services) => Create<ISampleGenerator>(services, Stage.Generator);

    /// <summary>A consuming stage's processor: the type named in Processors:&lt;Stage&gt;, else its module's built-in one.</summary>
    public static ISampleProcessor CreateProcessor(IServiceProvider services, Stage stage)
    {
        var processor = Create<ISampleProcessor>(services, stage);
        if (processor.Stage != stage)
        {
            throw new InvalidOperationException(
                $"{ProcessorLoader.SettingName(stage)}: {processor.GetType().FullName} is a processor for stage {processor.Stage.Name()}, not {stage.Name()}.");
        }

        return processor;
    }

    private static T Create<T>(IServiceProvider services, Stage stage)
        where T : class
    {
        var options = services.GetRequiredService<IOptions<ProcessorOptions>>().Value;
        if (!ProcessorLoader.IsConfigured(options, stage) && services.GetServices<StageModule>().LastOrDefault(m => m.Stage == stage) is { } module)
        {
            return module.CreateProcessor(services) as T
                ?? throw new InvalidOperationException($"The {stage.Name()} stage module's processor does not implement {typeof(T).Name}.");
        }

        // Named in configuration, or the error that says which setting to set.
        return stage == Stage.Generator
            ? (T)(object)ProcessorLoader.CreateGenerator(services, options)
            : (T)(object)ProcessorLoader.CreateProcessor(services, options, stage);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handling {SampleId} from {Topic} failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, string? sampleId, string topic, int attempt, Exception error);
}
