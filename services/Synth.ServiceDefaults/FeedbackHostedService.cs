using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Messaging;
using Synth.Messaging;
using Synth.Messaging.Kafka;
using Synth.Pipeline;

namespace Synth.ServiceDefaults;

/// <summary>
/// Feeds the evaluator's messages on synth.feedback to this generator instance. Each instance has a consumer group of
/// its own, because every instance plans requests and needs every message.
/// </summary>
public sealed partial class FeedbackHostedService(
    KafkaConsumer consumer,
    FeedbackHandler handler,
    InstanceIdentity instance,
    ILogger<FeedbackHostedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = new ConsumeSettings { Topic = Topics.Feedback, GroupId = $"synth-generator-feedback-{instance.Name}", MaxInFlight = 1 };
        try
        {
            await consumer.RunAsync(settings, handler, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Without feedback the generator still works from its own counts: log, do not stop generation.
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Consuming synth.feedback failed; generation goes on from the generator's own counts")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
