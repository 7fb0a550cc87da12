using Synth.Contracts.Samples;
using Synth.Curation.Text;

namespace Synth.Curation.Filters;

/// <summary>
/// An LLM judge's verdict on one sample: criterion (faithfulness, consistency, grammar, …) → score in [0, 1].
/// Only the shape: asking the judge is the service's business.
/// </summary>
public sealed record JudgeAssessment(string Judge, IReadOnlyDictionary<string, double> Criteria);
