namespace Synth.Contracts.Jobs;

public enum JobState
{
    Submitted = 1,
    Generating = 2,
    Draining = 3,
    Evaluating = 4,
    Completed = 5,
    Paused = 6,
    Cancelled = 7,
    Failed = 8,
}

/// <summary>A job as stored: its spec (verbatim and parsed identity), state and timestamps.</summary>
public sealed class JobDocument
{
    public const int CurrentSchemaVersion = 1;

    public required string Id { get; init; }
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    public required string Name { get; set; }
    /// <summary>The job spec as the user wrote it (YAML).</summary>
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
}

/// <summary>One state change of a job: from, to, when and why.</summary>
public sealed record JobTransition(JobState From, JobState To, DateTimeOffset At, string? Reason);
