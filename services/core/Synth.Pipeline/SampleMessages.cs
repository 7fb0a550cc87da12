using System.Diagnostics;
using System.Globalization;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Pipeline;

/// <summary>
/// Builds the message that tells the stage of a sample's state that the sample is there: a <see cref="SampleNotification"/>
/// (the document itself stays in the store) with its CloudEvents envelope, to the topic of the state.
/// </summary>
public static class SampleMessages
{
    /// <returns>Null when no stage follows the sample's state (evaluated samples).</returns>
    public static OutboundMessage? For(SampleDocument sample, string source, DateTimeOffset now)
    {
        var topic = Topics.For(sample.State);
        if (topic is null)
        {
            return null;
        }

        List<MessageHeader> headers =
        [
            MessageHeader.Utf8(EnvelopeHeaders.SpecVersion, EnvelopeHeaders.CloudEventsSpecVersion),
            MessageHeader.Utf8(EnvelopeHeaders.Id, $"{sample.Id}/{sample.State.ToString().ToLowerInvariant()}"),
            MessageHeader.Utf8(EnvelopeHeaders.Source, source),
            MessageHeader.Utf8(EnvelopeHeaders.Type, EnvelopeHeaders.SampleEventType(sample.State)),
            MessageHeader.Utf8(EnvelopeHeaders.Time, now.ToString("O", CultureInfo.InvariantCulture)),
            MessageHeader.Utf8(EnvelopeHeaders.Subject, sample.Id),
            MessageHeader.Utf8(EnvelopeHeaders.ContentType, EnvelopeHeaders.JsonContentType),
            MessageHeader.Utf8(EnvelopeHeaders.JobId, sample.JobId),
            MessageHeader.Utf8(EnvelopeHeaders.SchemaVersion, SampleNotification.CurrentSchemaVersion.ToString(CultureInfo.InvariantCulture)),
        ];
        return new OutboundMessage(topic, sample.Id, SampleNotification.Of(sample).ToUtf8Json(), headers);
    }

    /// <summary>
    /// Publishes a stored sample from outside any stage span (generation, resume) as part of the sample's own trace,
    /// whose root span the generator recorded on its decision.
    /// </summary>
    public static async Task PublishInSampleTraceAsync(
        IMessagePublisher publisher, SampleDocument sample, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var outbound = For(sample, source, now)
            ?? throw new InvalidOperationException($"Sample '{sample.Id}' is {sample.State}; no topic follows that state.");

        // This is an async method of its own, so replacing the current span does not leak into the caller.
        Activity.Current = null;
        using var emit = PipelineTracing.Source.StartActivity("synth.sample emit", ActivityKind.Internal, RootContextOf(sample));
        emit?.SetTag("synth.sample.id", sample.Id);
        await publisher.PublishAsync(outbound, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Publishes again every stored sample the query matches and <paramref name="include"/> accepts.</summary>
    /// <returns>How many were published.</returns>
    public static async Task<int> RepublishAsync(
        ISampleStore store,
        IMessagePublisher publisher,
        SampleQuery query,
        Func<SampleDocument, bool> include,
        string source,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var published = 0;
        await foreach (var sample in store.ReadSamplesAsync(query, cancellationToken).ConfigureAwait(false))
        {
            if (include(sample))
            {
                await PublishInSampleTraceAsync(publisher, sample, source, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                published++;
            }
        }

        return published;
    }

    private static ActivityContext RootContextOf(SampleDocument sample)
    {
        var decision = sample.Decisions.FirstOrDefault(d => d.Stage == Stage.Generator);
        if (decision?.TraceId is { Length: 32 } traceId && decision.SpanId is { Length: 16 } spanId)
        {
            return new ActivityContext(
                ActivityTraceId.CreateFromString(traceId),
                ActivitySpanId.CreateFromString(spanId),
                ActivityTraceFlags.Recorded,
                isRemote: true);
        }

        return default;
    }
}
