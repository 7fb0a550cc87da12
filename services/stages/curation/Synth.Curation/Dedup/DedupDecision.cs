using Synth.Curation.Text;

namespace Synth.Curation.Dedup;

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
