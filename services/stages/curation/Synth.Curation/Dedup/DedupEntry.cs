namespace Synth.Curation.Dedup;

/// <summary>A sample offered to a dedup index: its id, the text to compare and, for semantic dedup, its embedding.</summary>
public sealed record DedupEntry(string SampleId, string Text)
{
    public ReadOnlyMemory<float> Embedding { get; init; }
}
