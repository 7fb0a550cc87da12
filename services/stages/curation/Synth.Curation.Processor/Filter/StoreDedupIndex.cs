using Synth.Curation.Dedup;
using Synth.Curation.Text;
using Synth.Store;

namespace Synth.Curation.Processor.Filter;

/// <summary>
/// <see cref="IDedupIndex"/> over <see cref="IDedupStore"/>: exact (hash owner), near (LSH band candidates verified by
/// exact Jaccard) and semantic (cosine to the scope's stored embeddings), decided by <see cref="DuplicateRules"/>
/// inside the store's atomic check-and-add, so it holds across instances, restarts and, with a dataset scope, jobs.
/// Stored embeddings are cached and only the ones written since are read per check.
/// </summary>
public sealed class StoreDedupIndex : IDedupIndex
{
    private readonly IDedupStore store;
    private readonly string scope;
    private readonly DedupOptions options;
    private readonly bool exact;
    private readonly bool near;
    private readonly DedupFingerprinter fingerprinter;
    private readonly Lock gate = new();
    private readonly List<DedupCandidate> vectors = [];
    private long lastVectorSequence;

    /// <param name="options">Its <see cref="DedupOptions.SemanticThreshold"/> null turns semantic dedup off.</param>
    public StoreDedupIndex(IDedupStore store, string scope, DedupOptions options, bool exact, bool near)
    {
        this.store = store;
        this.scope = scope;
        this.options = options;
        this.exact = exact;
        this.near = near;
        fingerprinter = new DedupFingerprinter(options);
    }

    public static string JobScope(string jobId) => $"job:{jobId}";

    public static string DatasetScope(string dataset) => $"dataset:{dataset}";

    public async ValueTask<DedupDecision> CheckAndAddAsync(DedupEntry entry, CancellationToken cancellationToken = default) =>
        (await CheckAsync(entry, cancellationToken).ConfigureAwait(false)).Decision;

    public async ValueTask<DedupCheck> CheckAsync(DedupEntry entry, CancellationToken cancellationToken = default)
    {
        var fingerprint = fingerprinter.Fingerprint(entry.Text);
        var semantic = options.SemanticThreshold is not null && !entry.Embedding.IsEmpty;
        long after;
        lock (gate)
        {
            after = lastVectorSequence;
        }

        var keys = new DedupKeys(scope, entry.SampleId, fingerprint.ExactHash, near ? fingerprint.BandKeys : [], [.. fingerprint.Shingles],
            semantic ? entry.Embedding.ToArray() : null);
        return await store.CheckAndAddAsync(keys, new DedupLookupOptions(semantic ? after : null), lookup => Decide(entry, fingerprint, lookup), cancellationToken)
            .ConfigureAwait(false);
    }

    private DedupOutcome<DedupCheck> Decide(DedupEntry entry, DedupFingerprint fingerprint, DedupLookup lookup)
    {
        if (lookup.OwnEntry is not null)
        {
            // A redelivery of a sample kept before: it is the original, never a duplicate of itself.
            return new(new DedupCheck(DedupDecision.Unique, 0), false);
        }

        if (exact && DuplicateRules.Exact(entry.SampleId, lookup.ExactOwner) is { IsDuplicate: true } exactDuplicate)
        {
            return new(new DedupCheck(exactDuplicate, 1), false);
        }

        var candidates = lookup.BandCandidates
            .Select(candidate => new DedupCandidate(candidate.SampleId, candidate.Shingles.ToHashSet(StringComparer.Ordinal), default))
            .ToList();
        var highest = candidates.Where(c => c.SampleId != entry.SampleId).Select(c => Shingles.Jaccard(fingerprint.Shingles, c.Shingles)).DefaultIfEmpty(0).Max();
        var nearDuplicate = DuplicateRules.Near(entry.SampleId, fingerprint.Shingles, candidates, options.JaccardThreshold);
        if (nearDuplicate.IsDuplicate)
        {
            return new(new DedupCheck(nearDuplicate, nearDuplicate.Similarity), false);
        }

        if (options.SemanticThreshold is { } cosineThreshold && !entry.Embedding.IsEmpty)
        {
            lock (gate)
            {
                // The lookup may repeat (a store retry), so only entries newer than the cache are added.
                foreach (var vector in lookup.Vectors.Where(v => v.Sequence > lastVectorSequence && v.Embedding is not null))
                {
                    vectors.Add(new DedupCandidate(vector.SampleId, new HashSet<string>(), vector.Embedding));
                    lastVectorSequence = vector.Sequence;
                }

                var semantic = DuplicateRules.Semantic(entry.SampleId, entry.Embedding.Span, vectors, cosineThreshold);
                if (semantic.IsDuplicate)
                {
                    return new(new DedupCheck(semantic, semantic.Similarity), false);
                }

                var closest = vectors.Where(v => v.SampleId != entry.SampleId).Select(v => VectorMath.Cosine(entry.Embedding.Span, v.Embedding.Span)).DefaultIfEmpty(0).Max();
                highest = Math.Max(highest, closest);
            }
        }

        return new(new DedupCheck(DedupDecision.Unique, Math.Clamp(highest, 0, 1)), true);
    }
}
