using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

/// <summary>A sample's confidence in its current label (vote agreement, the student's probability, …).</summary>
public sealed record ReviewCandidate(string SampleId, double Confidence);
