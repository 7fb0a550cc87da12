using Synth.Contracts.Samples;

namespace Synth.Store;

/// <param name="Sample">The sample as stored after completion (or as found, when refused); null when not found.</param>
public sealed record ReviewCompletion(ReviewCompletionStatus Status, SampleDocument? Sample);
