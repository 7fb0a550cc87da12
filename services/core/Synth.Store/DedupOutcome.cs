namespace Synth.Store;

/// <param name="Record">True to add the sample to the index (it duplicates nothing).</param>
public sealed record DedupOutcome<T>(T Result, bool Record);
