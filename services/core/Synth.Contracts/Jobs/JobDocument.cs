using System.Text.Json.Serialization;

namespace Synth.Contracts.Jobs;

/// <summary>A job as stored: its spec (normalised, and verbatim), state and timestamps.</summary>
public sealed class JobDocument
{
    /// <summary>Version 2 added <see cref="Spec"/>.</summary>
    public const int CurrentSchemaVersion = 2;

    public required string Id { get; init; }
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    public required string Name { get; set; }
    /// <summary>
    /// The spec as submitted and normalised (file paths absolute, defaults filled, validated): what every stage reads.
    /// Null only in a document written before schema version 2; see <see cref="RequireSpec"/>.
    /// </summary>
    [JsonConverter(typeof(StoredJobSpecConverter))]
    public JobSpec? Spec { get; set; }
    /// <summary>The job spec as the user wrote it (YAML or JSON): shown to people, never parsed again.</summary>
    public required string SpecText { get; set; }
    /// <summary>SHA-256 (hex) of <see cref="SpecText"/>: a rerun with a changed spec is detected.</summary>
    public required string SpecHash { get; set; }
    public JobState State { get; set; } = JobState.Submitted;
    public string? StateReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The target sample count in force: the spec's, unless changed since submission.</summary>
    public int? TargetCount { get; set; }
    /// <summary>Every state change, oldest first, as the control plane made it.</summary>
    public List<JobTransition> Transitions { get; set; } = [];

    /// <exception cref="InvalidOperationException">The document was written before jobs kept their normalised spec.</exception>
    public JobSpec RequireSpec() => Spec ?? throw new InvalidOperationException(
        $"Job '{Id}' was stored with schema version {SchemaVersion}, without its normalised spec: run its spec again "
        + "(`synth run` or a resubmission of the same spec stores it), or submit it as a new job.");
}
