namespace Synth.Delivery;

/// <summary>
/// One seal of a job's dataset, taken by <see cref="JobDataset{TAck}.TakeDue"/>: the shards to write, the rows they
/// supersede, and the acknowledgements of every record whose effect the next manifest holds.
/// </summary>
public sealed class SealPlan<TAck>
{
    internal SealPlan(
        IReadOnlyList<ShardToWrite> shards,
        IReadOnlyList<SupersededRow> superseded,
        IReadOnlyList<(string SampleId, long Version)> removals,
        IReadOnlyList<TAck> acks,
        IReadOnlyList<RecordOrigin> origins)
    {
        Shards = shards;
        Superseded = superseded;
        Removals = removals;
        Acks = acks;
        Origins = origins;
    }

    public IReadOnlyList<ShardToWrite> Shards { get; }

    /// <summary>Rows of earlier shards this seal replaces or removes.</summary>
    public IReadOnlyList<SupersededRow> Superseded { get; }

    /// <summary>Samples this seal removes (tombstones), with the removal's version.</summary>
    internal IReadOnlyList<(string SampleId, long Version)> Removals { get; }

    /// <summary>What to acknowledge once the manifest is stored, or to fail when the seal could not be written.</summary>
    public IReadOnlyList<TAck> Acks { get; }

    internal IReadOnlyList<RecordOrigin> Origins { get; }
}
