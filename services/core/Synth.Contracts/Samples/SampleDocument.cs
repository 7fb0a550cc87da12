namespace Synth.Contracts.Samples;

/// <summary>
/// One synthetic sample with its whole history. Schema version <see cref="CurrentSchemaVersion"/>;
/// see docs/schemas.md. Stages add to it; nothing is ever removed from its history.
/// </summary>
public sealed class SampleDocument
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>Deterministic: <see cref="SampleIds.For"/>(job, request, index).</summary>
    public required string Id { get; init; }
    public required string JobId { get; init; }
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    /// <summary>
    /// The store's write count: every write of the sample stores the previous version + 1 and hands the writer the new
    /// number. A stage replaces the sample only if this is still the version it read (compare-and-set), so no write
    /// made meanwhile (a reviewer's label) is overwritten. 0 for a sample never stored.
    /// </summary>
    public long Version { get; set; }
    public required TaskType TaskType { get; init; }
    public SampleState State { get; set; } = SampleState.Generated;
    public required SampleContent Content { get; set; }
    public required Provenance Provenance { get; init; }
    public List<StageDecision> Decisions { get; set; } = [];
    public List<LabelChange> LabelHistory { get; set; } = [];
    /// <summary>Training importance; 1 unless a curation stage re-weights the sample.</summary>
    public double Weight { get; set; } = 1.0;
    public ReviewRecord? Review { get; set; }
    /// <summary>
    /// The outbox entry of <c>synth.samples.curated</c>: set, in the same write, by a change the topic must carry (a
    /// review of a curated sample), so a crash before the publish loses nothing; cleared after the publish only while
    /// it is still this token (<c>ICuratedOutboxStore</c>). Null when nothing is waiting.
    /// </summary>
    public string? PendingCuratedPublish { get; set; }
    /// <summary>W3C trace id (32 hex chars) that every stage's span for this sample shares.</summary>
    public string? TraceId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
