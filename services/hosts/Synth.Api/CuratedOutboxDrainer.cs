using Microsoft.Extensions.Options;

namespace Synth.Api;

/// <summary>
/// Publishes the reviews the endpoint could not (a crash, a failed publish) from the store's curated outbox: once at
/// start, then every <see cref="ApiOptions.CuratedOutboxIntervalSeconds"/>. Does nothing when no publisher is configured;
/// the entries then wait in the store.
/// </summary>
public sealed partial class CuratedOutboxDrainer(
    ReviewedSamplePublisher publisher, IOptions<ApiOptions> options, TimeProvider time, ILogger<CuratedOutboxDrainer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!publisher.CanPublish)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(options.Value.CuratedOutboxIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await publisher.DrainAsync(stoppingToken) is > 0 and var sent)
                {
                    LogDrained(logger, sent);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The store was unreachable: nothing was cleared, so the next round retries everything.
                LogDrainFailed(logger, ex);
            }

            await Task.Delay(interval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Count} pending reviewed samples to synth.samples.curated")]
    private static partial void LogDrained(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the curated outbox failed; retrying in the next round")]
    private static partial void LogDrainFailed(ILogger logger, Exception exception);
}
