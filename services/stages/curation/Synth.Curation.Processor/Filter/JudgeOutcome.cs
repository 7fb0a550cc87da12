using Synth.Contracts.Samples;
using Synth.Curation.Filters;

namespace Synth.Curation.Processor.Filter;

/// <param name="Assessment">The judge's scores; null when the judge was skipped.</param>
/// <param name="SkipReason">Why there is no assessment (budget spent, call failed, unreadable answer).</param>
public sealed record JudgeOutcome(JudgeAssessment? Assessment, string? SkipReason);
