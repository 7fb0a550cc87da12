using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Pipeline;

namespace Synth.Api;

/// <summary>
/// After a review changed a curated sample, publishes what <c>synth.samples.curated</c> must now hold for it: a record
/// with the new, higher version (a relabel) or a tombstone (a rejection), under the same key. The publisher is the
/// in-process bus when the API runs the pipeline (Api:RunPipeline), Kafka when Kafka:BootstrapServers is set.
/// </summary>
public sealed partial class ReviewedSamplePublisher(
    IEnumerable<IMessagePublisher> publishers, JobCatalog jobs, TimeProvider time, ILogger<ReviewedSamplePublisher> logger)
{
    private const string Source = "/synth/api/review";

    private readonly IMessagePublisher? _publisher = publishers.LastOrDefault();

    public async Task PublishAsync(SampleDocument sample, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var job = await jobs.GetAsync(sample.JobId, cancellationToken);
        if (CuratedRecords.Current(sample, job.Spec, Source, time.GetUtcNow()) is not { } message)
        {
            // Not curated yet: the evaluator publishes the reviewed sample when it keeps it.
            return;
        }

        if (_publisher is null)
        {
            LogNoPublisher(logger, sample.Id, sample.Version);
            return;
        }

        await _publisher.PublishAsync(message, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The review of curated sample {SampleId} (version {Version}) is stored but not published to synth.samples.curated: set Kafka:BootstrapServers")]
    private static partial void LogNoPublisher(ILogger logger, string sampleId, long version);
}
