using Synth.Contracts.Samples;

namespace Synth.Curation.Processor.Filter;

/// <summary>Relevance escalation: where the answer to "is this sample on-task?" comes from, a model (the stage) or a sample's stored decision (replay).</summary>
public interface IOnTaskCheck
{
    ValueTask<OnTaskOutcome> AskAsync(SampleDocument sample, string text, CancellationToken cancellationToken);
}
