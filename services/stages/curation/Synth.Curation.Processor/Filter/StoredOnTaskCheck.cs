using Synth.Contracts.Samples;

namespace Synth.Curation.Processor.Filter;

/// <summary>Replay's relevance escalation: the answer stored on the sample's filter decision (<see cref="JobFilter.OnTaskScore"/>); no model call.</summary>
public sealed class StoredOnTaskCheck : IOnTaskCheck
{
    public ValueTask<OnTaskOutcome> AskAsync(SampleDocument sample, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var decision = sample.Decisions.LastOrDefault(d => d.Stage == Stage.Filter);
        return ValueTask.FromResult(decision is not null && decision.Scores.TryGetValue(JobFilter.OnTaskScore, out var stored)
            ? new OnTaskOutcome(stored >= 0.5, null, "stored")
            : new OnTaskOutcome(null, "replay: no stored on-task answer (no new model calls are made)"));
    }
}
