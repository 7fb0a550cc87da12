using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api;

/// <summary>A job as listed: state, live counts per stage and budget.</summary>
public sealed record JobSummary(
    string Id,
    string Name,
    JobState State,
    string? StateReason,
    int? TargetCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    JobStageCounts Counts,
    JobBudget Budget);
