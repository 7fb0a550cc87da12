using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

/// <param name="Priority">1 − confidence: the review queue serves the highest first.</param>
public sealed record ReviewTask(string SampleId, double Priority);
