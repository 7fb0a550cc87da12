using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Synth.Contracts.Samples;
using Synth.Store;

namespace Synth.Pipeline.Tests;

/// <summary>
/// The one-machine composition as the CLI builds it (<see cref="PipelineComposition.AddSynthPipeline"/> over the
/// in-process bus), with scripted processors in place of the stage modules: started, run through <see cref="LocalPipeline"/>
/// for one job, and stopped, like one <c>synth run</c>.
/// </summary>
internal sealed class ScriptedPipeline(SynthStores stores, ISampleGenerator generator, IReadOnlyList<ISampleProcessor> processors, ProcessorOptions options)
{
    public async Task<JobCounts> RunAsync(PipelineJob job, string specText, IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        await using var services = Compose();
        var started = new List<IHostedService>();
        try
        {
            // Starting runs the composition's resume step, which re-publishes whatever an earlier run left unfinished.
            foreach (var hosted in services.GetServices<IHostedService>())
            {
                await hosted.StartAsync(cancellationToken);
                started.Add(hosted);
            }

            return await new LocalPipeline(services).RunAsync(job, specText, progress, cancellationToken);
        }
        finally
        {
            started.Reverse();
            foreach (var hosted in started)
            {
                await hosted.StopAsync(CancellationToken.None);
            }
        }
    }

    private ServiceProvider Compose()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(stores.Samples);
        services.AddSingleton(stores.Browse);
        services.AddSingleton(stores.RequestClaims);
        services.AddSingleton(new InstanceIdentity("local-test"));
        services.AddSingleton(new StageModule(Stage.Generator, _ => generator));
        foreach (var processor in processors)
        {
            services.AddSingleton(new StageModule(processor.Stage, _ => processor));
        }

        services.AddInProcessTransport();
        services.AddSynthPipeline(PipelineComposition.AllStages);
        return services.BuildServiceProvider();
    }
}
