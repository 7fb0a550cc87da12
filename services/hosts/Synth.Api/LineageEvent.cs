using Synth.Contracts.Json;
using Synth.Contracts.Samples;

namespace Synth.Api;

/// <param name="Kind">generated, decision, label-change, review-requested or reviewed.</param>
/// <param name="Stage">The stage (decisions) or the method (label changes).</param>
public sealed record LineageEvent(DateTimeOffset At, string Kind, string? Stage, string Summary);
