using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Messaging.Kafka;
using Synth.Pipeline;

namespace Synth.ServiceDefaults;

/// <summary>Runs a consuming stage (filter, label refiner, evaluator) on its Kafka topic until the host stops.</summary>
public sealed partial class StageHostedService(
    StageWorker worker,
    Stage stage,
    KafkaConsumer consumer,
    IOptions<ProcessorOptions> processorOptions,
    WorkerHealth health,
    IHostApplicationLifetime lifetime,
    ILogger<StageHostedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = new ConsumeSettings
        {
            Topic = Topics.InputOf(stage)!,
            GroupId = $"synth-{stage.Name()}",
            MaxInFlight = processorOptions.Value.MaxInFlight,
        };
        LogStarting(logger, stage, settings.Topic, settings.GroupId);
        health.Running();
        try
        {
            await consumer.RunAsync(settings, worker, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            health.Faulted($"{ex.GetType().Name}: {ex.Message}");
            LogFaulted(logger, ex, stage);
            lifetime.StopApplication();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stage {Stage} consuming {Topic} as group {Group}")]
    private static partial void LogStarting(ILogger logger, Stage stage, string topic, string group);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Stage {Stage} stopped on an error")]
    private static partial void LogFaulted(ILogger logger, Exception error, Stage stage);
}
