namespace Synth.Delivery;

/// <summary>
/// A row of a sealed shard that no longer counts: a later version of the sample is in another shard, or the sample was
/// removed (a tombstone). A reader skips the row (<see cref="Path"/>, <see cref="SampleId"/>).
/// </summary>
/// <param name="Version">The version that replaced or removed it (the newer row's, or the tombstone's).</param>
public sealed record SupersededRow(string Path, string SampleId, long Version);
