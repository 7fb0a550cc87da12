namespace Synth.Curation.Dedup;

/// <summary>One process's index (tests, replay, the one-machine run before a store-backed one exists). Thread-safe.</summary>
public sealed class InMemoryDedupIndex(DedupOptions options) : IDedupIndex
{
    private readonly DedupFingerprinter fingerprinter = new(options);
    private readonly Lock gate = new();
    private readonly Dictionary<string, string> firstByHash = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> orderById = new(StringComparer.Ordinal);
    private readonly List<DedupCandidate> entries = [];
    private readonly Dictionary<string, List<int>> buckets = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    public ValueTask<DedupDecision> CheckAndAddAsync(DedupEntry entry, CancellationToken cancellationToken = default)
    {
        var fingerprint = fingerprinter.Fingerprint(entry.Text);
        lock (gate)
        {
            return ValueTask.FromResult(CheckAndAdd(entry, fingerprint));
        }
    }

    private DedupDecision CheckAndAdd(DedupEntry entry, DedupFingerprint fingerprint)
    {
        if (orderById.ContainsKey(entry.SampleId))
        {
            return DedupDecision.Unique;
        }

        var exact = DuplicateRules.Exact(entry.SampleId, firstByHash.GetValueOrDefault(fingerprint.ExactHash));
        if (exact.IsDuplicate)
        {
            return exact;
        }

        var candidates = fingerprint.BandKeys
            .SelectMany(key => buckets.TryGetValue(key, out var bucket) ? bucket : [])
            .Distinct()
            .Order()
            .Select(order => entries[order]);
        var near = DuplicateRules.Near(entry.SampleId, fingerprint.Shingles, candidates, options.JaccardThreshold);
        if (near.IsDuplicate)
        {
            return near;
        }

        if (options.SemanticThreshold is { } cosineThreshold && !entry.Embedding.IsEmpty)
        {
            var semantic = DuplicateRules.Semantic(entry.SampleId, entry.Embedding.Span, entries, cosineThreshold);
            if (semantic.IsDuplicate)
            {
                return semantic;
            }
        }

        var order = entries.Count;
        entries.Add(new DedupCandidate(entry.SampleId, fingerprint.Shingles, entry.Embedding));
        orderById[entry.SampleId] = order;
        firstByHash.TryAdd(fingerprint.ExactHash, entry.SampleId);
        foreach (var key in fingerprint.BandKeys)
        {
            if (!buckets.TryGetValue(key, out var bucket))
            {
                buckets[key] = bucket = [];
            }

            bucket.Add(order);
        }

        return DedupDecision.Unique;
    }
}
