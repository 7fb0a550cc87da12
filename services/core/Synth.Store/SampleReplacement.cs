using Synth.Contracts.Samples;

namespace Synth.Store;

/// <summary>A compare-and-set write of <see cref="ISampleStore.TryReplaceSamplesAsync"/>: <paramref name="Sample"/> replaces the stored copy while that is still at <paramref name="ExpectedVersion"/>.</summary>
public sealed record SampleReplacement(SampleDocument Sample, long ExpectedVersion);
