using Synth.Contracts.Json;
using Synth.Contracts.Samples;

namespace Synth.Api;

/// <summary>A sample as listed by the browser.</summary>
/// <param name="Preview">The start of its text (<see cref="SampleText.Of"/>).</param>
/// <param name="RejectReason">Why it was rejected, when it was.</param>
public sealed record SampleSummary(
    string Id, SampleState State, string? Label, string Preview, string? RejectReason, ReviewStatus? Review, DateTimeOffset UpdatedAt);
