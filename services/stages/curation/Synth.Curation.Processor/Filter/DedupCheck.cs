using Synth.Curation.Dedup;
using Synth.Curation.Text;
using Synth.Store;

namespace Synth.Curation.Processor.Filter;

/// <summary>A dedup verdict plus the highest similarity to any earlier sample compared (the novelty signal).</summary>
public sealed record DedupCheck(DedupDecision Decision, double HighestSimilarity);
