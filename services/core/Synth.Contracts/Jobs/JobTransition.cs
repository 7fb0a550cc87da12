using System.Text.Json.Serialization;

namespace Synth.Contracts.Jobs;

/// <summary>One state change of a job: from, to, when and why.</summary>
public sealed record JobTransition(JobState From, JobState To, DateTimeOffset At, string? Reason);
