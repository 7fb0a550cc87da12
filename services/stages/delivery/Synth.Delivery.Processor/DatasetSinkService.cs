using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synth.Contracts.Messaging;
using Synth.Messaging;
using Synth.Pipeline;

namespace Synth.Delivery.Processor;

/// <summary>
/// Runs the dataset sink: consumes <see cref="Topics.Curated"/> as consumer group <see cref="GroupId"/> and seals
/// shards past their age limit every second. On a graceful stop it seals everything buffered, so the records held
/// are acknowledged before the consumer stops; on the in-process bus, which keeps nothing across a restart, it first
/// takes in and seals every record still queued there, so a one-machine run loses none.
/// </summary>
public sealed partial class DatasetSinkService(
    IMessageTransport transport,
    DatasetSink sink,
    IOptions<DatasetSinkOptions> options,
    WorkerHealth health,
    ILogger<DatasetSinkService> logger) : IHostedService, IDisposable
{
    public const string GroupId = "synth-dataset-sink";

    private static readonly TimeSpan AgeCheckInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DrainPollInterval = TimeSpan.FromMilliseconds(20);

    private readonly CancellationTokenSource _stopping = new();
    private Task _consuming = Task.CompletedTask;
    private Task _ageChecks = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = new ConsumeSettings { Topic = Topics.Curated, GroupId = GroupId, MaxInFlight = options.Value.MaxInFlight };
        LogStarting(logger, settings.Topic, settings.GroupId, options.Value.Folder);
        _consuming = transport.ConsumeAsync(settings, sink, _stopping.Token);
        _ageChecks = CheckAgesAsync(_stopping.Token);
        health.Running();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Held records complete only when sealed: seal them, so they are acknowledged before the consumer stops.
            await sink.SealDueAsync(everything: true, cancellationToken).ConfigureAwait(false);
            if (transport is InProcessBus bus)
            {
                await DrainAsync(bus, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(_consuming, _ageChecks).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>
    /// Until no curated record is queued or in flight on the bus: each round lets the consumer hand the queued ones
    /// to the sink, then seals what it holds. Bounded by the host's stop timeout (<paramref name="cancellationToken"/>).
    /// </summary>
    private async Task DrainAsync(InProcessBus bus, CancellationToken cancellationToken)
    {
        var queued = bus.UnfinishedCount(Topics.Curated);
        if (queued > 0)
        {
            LogDraining(logger, queued);
        }

        while (bus.UnfinishedCount(Topics.Curated) > 0)
        {
            await Task.Delay(DrainPollInterval, cancellationToken).ConfigureAwait(false);
            await sink.SealDueAsync(everything: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CheckAgesAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(AgeCheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await sink.SealDueAsync(everything: false, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The seal's records were failed back to the consumer and come again; the next tick tries anew.
                    LogAgeCheckFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dataset sink consuming {Topic} as group {GroupId} into {Folder}")]
    private static partial void LogStarting(ILogger logger, string topic, string groupId, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dataset sink stopping: taking in the {Queued} curated records still on the in-process bus")]
    private static partial void LogDraining(ILogger logger, long queued);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sealing shards past their age failed")]
    private static partial void LogAgeCheckFailed(ILogger logger, Exception exception);
}
