using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Synth.Contracts.Samples;
using Synth.Curation.Labels;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api;

/// <param name="Labels">The job's label set, with the descriptions the generator was shown.</param>
/// <param name="LeaseToken">Send it back with the label; the task is this reviewer's until <paramref name="LeaseExpiresAt"/>.</param>
public sealed record ReviewTaskResponse(
    string SampleId,
    string JobId,
    string? Text,
    string? Label,
    IReadOnlyList<LabelOption> Labels,
    double Priority,
    string? Reason,
    IReadOnlyList<ReviewCandidateLabel> Candidates,
    IReadOnlyList<LabelChange> LabelHistory,
    string LeaseToken,
    DateTimeOffset LeaseExpiresAt);
