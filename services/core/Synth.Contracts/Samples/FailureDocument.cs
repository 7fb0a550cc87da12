namespace Synth.Contracts.Samples;

/// <summary>
/// A message a stage could not process (poison message, processor error). Stored so it is counted and visible,
/// and, on Kafka, also sent to the topic's dead-letter topic.
/// </summary>
public sealed class FailureDocument
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>"{stage}:{sampleId}" or, when the sample id is unreadable, "{stage}:{topic}:{partition}:{offset}".</summary>
    public required string Id { get; init; }
    public string? JobId { get; init; }
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    public required Stage Stage { get; init; }
    public string? SampleId { get; init; }
    public required string Error { get; init; }
    public string? OriginTopic { get; init; }
    public int? OriginPartition { get; init; }
    public long? OriginOffset { get; init; }
    public string? TraceId { get; init; }
    public DateTimeOffset At { get; init; }
}
