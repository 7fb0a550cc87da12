using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

/// <summary>How much human review a set may get: at most a fraction of it and/or a count; the smaller wins.</summary>
public sealed record ReviewBudget(double? MaxFraction = null, int? MaxCount = null);
