using System.Diagnostics;
using OpenTelemetry.Context.Propagation;
using Synth.Contracts.Messaging;

namespace Synth.Messaging;

/// <summary>
/// Producer and consumer spans with W3C trace context carried in message headers, so one trace follows a sample
/// through every process. Spans carry ids and topics only, never message bodies.
/// </summary>
public static class MessageTracing
{
    public const string ActivitySourceName = "Synth.Messaging";

    public static readonly ActivitySource Source = new(ActivitySourceName);

    private static readonly TraceContextPropagator Propagator = new();

    /// <summary>
    /// Starts a producer span for a message and writes its context into <paramref name="headers"/>
    /// (replacing any earlier traceparent). Dispose the span once the transport has accepted the message.
    /// </summary>
    public static Activity? StartPublish(string topic, string key, string system, List<MessageHeader> headers)
    {
        var activity = Source.StartActivity($"{topic} publish", ActivityKind.Producer);
        activity?.SetTag("messaging.system", system);
        activity?.SetTag("messaging.operation.type", "send");
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.message.id", key);

        var context = activity?.Context ?? Activity.Current?.Context ?? default;
        headers.RemoveAll(h => h.Name is EnvelopeHeaders.TraceParent or EnvelopeHeaders.TraceState);
        if (context != default)
        {
            Propagator.Inject(
                new PropagationContext(context, default),
                headers,
                static (carrier, name, value) => carrier.Add(MessageHeader.Utf8(name, value)));
        }

        return activity;
    }

    /// <summary>Starts a consumer span whose parent is the producer span named in the message's headers.</summary>
    public static Activity? StartProcess(InboundMessage message, string system, string consumerGroup)
    {
        var parent = ExtractContext(message);
        var activity = Source.StartActivity($"{message.Topic} process", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", system);
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", message.Topic);
        activity?.SetTag("messaging.consumer.group.name", consumerGroup);
        if (message.Key is not null)
        {
            activity?.SetTag("messaging.message.id", message.Key);
        }

        if (message.Partition >= 0)
        {
            activity?.SetTag("messaging.destination.partition.id", message.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity?.SetTag("messaging.kafka.offset", message.Offset);
        }

        return activity;
    }

    /// <summary>The W3C context in the message's headers; default when there is none or it is malformed.</summary>
    public static ActivityContext ExtractContext(InboundMessage message)
    {
        var propagation = Propagator.Extract(
            default,
            message,
            static (carrier, name) => carrier.Header(name) is { } value ? [value] : []);
        return propagation.ActivityContext;
    }
}
