using Synth.Contracts.Json;
using Synth.Contracts.Samples;

namespace Synth.Api;

/// <summary>The review without its lease token (the token is the lease holder's alone).</summary>
public sealed record ReviewLineage(
    ReviewStatus Status, string? Reviewer, string? Label, double Priority, string? Reason, IReadOnlyList<ReviewCandidateLabel> Candidates,
    DateTimeOffset RequestedAt, DateTimeOffset? CompletedAt, string? LeasedBy, DateTimeOffset? LeaseExpiresAt);
