using Synth.Curation.Text;

namespace Synth.Curation.Dedup;

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
