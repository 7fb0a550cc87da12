using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api;

/// <summary>
/// After a review changed a curated sample, publishes what <c>synth.samples.curated</c> must now hold for it: a record
/// with the new, higher version (a relabel) or a tombstone (a rejection), under the same key. The publisher is the
/// in-process bus when the API runs the pipeline (Api:RunPipeline), Kafka when Kafka:BootstrapServers is set.
/// <para>
/// The review marks the sample pending (<see cref="MarkPending"/>) in the same write that stores it, so a crash or a
/// failed publish loses nothing: the entry is cleared only after a successful publish, and <see cref="CuratedOutboxDrainer"/>
/// sends what is left. In this process one sample is sent by one caller at a time, from a fresh read, so the endpoint and
/// the drainer do not both send it; another API instance may, which the record's version makes harmless.
/// </para>
/// </summary>
public sealed partial class ReviewedSamplePublisher(
    IEnumerable<IMessagePublisher> publishers, ISampleStore samples, ICuratedOutboxStore outbox, JobCatalog jobs, TimeProvider time,
    ILogger<ReviewedSamplePublisher> logger) : IDisposable
{
    private const string Source = "/synth/api/review";
    private const int BatchSize = 100;

    private readonly IMessagePublisher? _publisher = publishers.LastOrDefault();
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Whether anything can be published from this process (a bus or Kafka is configured).</summary>
    public bool CanPublish => _publisher is not null;

    /// <summary>
    /// Called inside the review's write: a curated sample gets a new outbox token. One not curated yet gets none (the
    /// evaluator publishes it when it keeps it).
    /// </summary>
    public static void MarkPending(SampleDocument sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.State == SampleState.Evaluated)
        {
            sample.PendingCuratedPublish = Guid.NewGuid().ToString("N");
        }
    }

    /// <summary>Sends the reviewed sample now, for latency; on failure it stays pending for the drainer.</summary>
    public async Task PublishAsync(SampleDocument sample, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.PendingCuratedPublish is null)
        {
            return;
        }

        if (_publisher is null)
        {
            LogNoPublisher(logger, sample.Id, sample.Version);
            return;
        }

        await SendIfPendingAsync(sample.Id, cancellationToken);
    }

    /// <summary>Sends every pending sample it can, a batch at a time; a failed one stays pending for the next call.</summary>
    /// <returns>How many were sent.</returns>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        if (_publisher is null)
        {
            return 0;
        }

        var sent = 0;
        while (true)
        {
            var batch = await outbox.ReadPendingAsync(BatchSize, cancellationToken);
            var sentNow = 0;
            foreach (var sample in batch)
            {
                sentNow += await SendIfPendingAsync(sample.Id, cancellationToken) ? 1 : 0;
            }

            sent += sentNow;
            // A short batch was the last; one where nothing went out would only fail again at once.
            if (batch.Count < BatchSize || sentNow == 0)
            {
                return sent;
            }
        }
    }

    private async Task<bool> SendIfPendingAsync(string sampleId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // A fresh read: another caller may have sent it meanwhile, or a later review replaced the token.
            var sample = await samples.GetSampleAsync(sampleId, cancellationToken);
            if (sample?.PendingCuratedPublish is not { } token)
            {
                return false;
            }

            try
            {
                var job = await jobs.GetAsync(sample.JobId, cancellationToken);
                if (CuratedRecords.Current(sample, job.Spec, Source, time.GetUtcNow()) is { } message)
                {
                    await _publisher!.PublishAsync(message, cancellationToken);
                }

                await outbox.MarkSentAsync(sample.Id, token, cancellationToken);
                return true;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogNotSent(logger, ex, sample.Id, sample.Version);
                return false;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The review of curated sample {SampleId} (version {Version}) is stored but not published to synth.samples.curated: set Kafka:BootstrapServers; it stays pending until then")]
    private static partial void LogNoPublisher(ILogger logger, string sampleId, long version);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Curated sample {SampleId} (version {Version}) was not published to synth.samples.curated, or not marked sent after it; it stays pending and is retried")]
    private static partial void LogNotSent(ILogger logger, Exception exception, string sampleId, long version);
}
