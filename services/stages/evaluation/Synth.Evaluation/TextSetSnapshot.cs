using Synth.Contracts.Samples;

namespace Synth.Evaluation;

/// <summary>The direct metrics of a set of texts that has no job behind it (a real support set), comparable with a job's.</summary>
public sealed record TextSetSnapshot(long Samples, DiversityMetrics Diversity, LabelBalanceMetrics? Labels);
