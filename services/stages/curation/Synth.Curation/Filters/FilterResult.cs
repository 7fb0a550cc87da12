using Synth.Contracts.Samples;
using Synth.Curation.Text;

namespace Synth.Curation.Filters;

/// <summary>
/// One filter's verdict. Every score is a quality in [0, 1] where higher is better, so scores can be combined for
/// ranking; the sample passes when <see cref="Score"/> ≥ <see cref="Threshold"/>.
/// </summary>
public sealed record FilterResult(string Filter, double Score, double Threshold, string Reason)
{
    public bool Passed => Score >= Threshold;

    /// <summary>Passed, but the score alone cannot vouch for the sample: the stage asks the model (relevance escalation).</summary>
    public bool Doubtful { get; init; }
}
