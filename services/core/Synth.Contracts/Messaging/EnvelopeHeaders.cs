namespace Synth.Contracts.Messaging;

/// <summary>
/// Message envelope: CloudEvents 1.0 attributes in binary content mode (Kafka protocol binding: "ce_" headers),
/// W3C trace context, and Synth extensions. The key is the sample id; the value is a <see cref="SampleNotification"/> as JSON.
/// </summary>
public static class EnvelopeHeaders
{
    public const string SpecVersion = "ce_specversion";
    public const string Id = "ce_id";
    public const string Source = "ce_source";
    public const string Type = "ce_type";
    public const string Time = "ce_time";
    public const string Subject = "ce_subject";
    public const string ContentType = "content-type";
    public const string DataSchema = "ce_dataschema";

    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>CloudEvents extension attributes (lowercase alphanumerics per the spec).</summary>
    public const string JobId = "ce_synthjobid";
    public const string SchemaVersion = "ce_synthschemaversion";
    /// <summary>The sample's store version on a curated record, and the only content of a tombstone besides its key.</summary>
    public const string SampleVersion = "ce_synthsampleversion";

    /// <summary>Dead-letter attributes, added when a message is moved to "&lt;topic&gt;.dlt".</summary>
    public const string DeadLetterError = "synth_dlt_error";
    public const string DeadLetterStage = "synth_dlt_stage";
    public const string DeadLetterOriginTopic = "synth_dlt_origin_topic";
    public const string DeadLetterOriginPartition = "synth_dlt_origin_partition";
    public const string DeadLetterOriginOffset = "synth_dlt_origin_offset";
    public const string DeadLetterTraceId = "synth_dlt_trace_id";
    public const string DeadLetterAt = "synth_dlt_at";

    public const string CloudEventsSpecVersion = "1.0";
    public const string JsonContentType = "application/json";

    /// <summary>CloudEvents type of a sample message in the given state, e.g. "synth.sample.accepted.v2".</summary>
    public static string SampleEventType(Samples.SampleState state) =>
        $"synth.sample.{state.ToString().ToLowerInvariant()}.v{SampleNotification.CurrentSchemaVersion}";
}
