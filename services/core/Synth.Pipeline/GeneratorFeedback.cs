using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Messaging;
using Synth.Messaging;

namespace Synth.Pipeline;

/// <summary>
/// Feeds the evaluator's coverage and novelty to this process's generator: from the in-process hub on one machine
/// (<see cref="IFeedbackSource"/>), else from <see cref="Topics.Feedback"/> on the transport, in a consumer group of
/// this instance's own, because every generator instance plans requests and needs every message.
/// </summary>
public sealed partial class GeneratorFeedback(
    IServiceProvider services,
    IMessageTransport transport,
    ISampleGenerator generator,
    InstanceIdentity instance,
    ILogger<GeneratorFeedback> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (services.GetService<IFeedbackSource>() is { } source)
            {
                await foreach (var message in source.SubscribeAsync(stoppingToken).ConfigureAwait(false))
                {
                    await generator.OnFeedbackAsync(message, stoppingToken).ConfigureAwait(false);
                }

                return;
            }

            var settings = new ConsumeSettings { Topic = Topics.Feedback, GroupId = $"synth-generator-feedback-{instance.Name}", MaxInFlight = 1 };
            await transport.ConsumeAsync(settings, ActivatorUtilities.CreateInstance<FeedbackHandler>(services), stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Without feedback the generator still works from its own counts: log, do not stop generation.
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Consuming the evaluator's feedback failed; generation goes on from the generator's own counts")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
