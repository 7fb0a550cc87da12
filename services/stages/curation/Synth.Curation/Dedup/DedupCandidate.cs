using Synth.Curation.Text;

namespace Synth.Curation.Dedup;

/// <summary>An earlier entry an index returns as a candidate, in the order entries were written.</summary>
public sealed record DedupCandidate(string SampleId, IReadOnlySet<string> Shingles, ReadOnlyMemory<float> Embedding);
