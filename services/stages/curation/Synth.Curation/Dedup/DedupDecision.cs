using Synth.Curation.Text;

namespace Synth.Curation.Dedup;

public enum DuplicateKind
{
    None = 0,
    Exact = 1,
    Near = 2,
    Semantic = 3,
}

/// <summary>The dedup verdict; a duplicate names the sample it duplicates and how similar they are.</summary>
public sealed record DedupDecision(DuplicateKind Kind, string? DuplicateOf, double Similarity)
{
    public static DedupDecision Unique { get; } = new(DuplicateKind.None, null, 0);

    public bool IsDuplicate => Kind != DuplicateKind.None;

    public string Reason => Kind switch
    {
        DuplicateKind.None => "not a duplicate",
        DuplicateKind.Exact => $"exact duplicate of {DuplicateOf}",
        DuplicateKind.Near => $"near-duplicate of {DuplicateOf} (Jaccard {Similarity:0.###})",
        DuplicateKind.Semantic => $"semantic duplicate of {DuplicateOf} (cosine {Similarity:0.###})",
        _ => Kind.ToString(),
    };
}

/// <summary>An earlier entry an index returns as a candidate, in the order entries were written.</summary>
public sealed record DedupCandidate(string SampleId, IReadOnlySet<string> Shingles, ReadOnlyMemory<float> Embedding);

/// <summary>
/// The verification rules every index applies to its candidates: skip the sample's own entry (a redelivered sample
/// must not duplicate itself), and name the first-written candidate that clears the threshold (first writer wins).
/// </summary>
public static class DuplicateRules
{
    public static DedupDecision Exact(string sampleId, string? firstWriterOfHash) =>
        firstWriterOfHash is null || firstWriterOfHash == sampleId
            ? DedupDecision.Unique
            : new DedupDecision(DuplicateKind.Exact, firstWriterOfHash, 1);

    public static DedupDecision Near(string sampleId, IReadOnlySet<string> shingles, IEnumerable<DedupCandidate> candidatesInWriteOrder, double jaccardThreshold)
    {
        foreach (var candidate in candidatesInWriteOrder)
        {
            if (candidate.SampleId == sampleId)
            {
                continue;
            }

            var jaccard = Shingles.Jaccard(shingles, candidate.Shingles);
            if (jaccard >= jaccardThreshold)
            {
                return new DedupDecision(DuplicateKind.Near, candidate.SampleId, jaccard);
            }
        }

        return DedupDecision.Unique;
    }

    public static DedupDecision Semantic(string sampleId, ReadOnlySpan<float> embedding, IEnumerable<DedupCandidate> candidatesInWriteOrder, double cosineThreshold)
    {
        foreach (var candidate in candidatesInWriteOrder)
        {
            if (candidate.SampleId == sampleId || candidate.Embedding.IsEmpty)
            {
                continue;
            }

            var cosine = VectorMath.Cosine(embedding, candidate.Embedding.Span);
            if (cosine >= cosineThreshold)
            {
                return new DedupDecision(DuplicateKind.Semantic, candidate.SampleId, cosine);
            }
        }

        return DedupDecision.Unique;
    }
}
