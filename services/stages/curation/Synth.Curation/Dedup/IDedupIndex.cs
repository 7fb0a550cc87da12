namespace Synth.Curation.Dedup;

/// <summary>
/// A dedup index: exact, then near (MinHash-LSH candidates verified by exact Jaccard), then semantic. A sample that
/// duplicates nothing is recorded; a duplicate is not, so it can never become the original of a later sample.
/// Redelivery-safe: an entry naming the same sample id is never a duplicate, and the first writer wins.
/// </summary>
public interface IDedupIndex
{
    ValueTask<DedupDecision> CheckAndAddAsync(DedupEntry entry, CancellationToken cancellationToken = default);
}
