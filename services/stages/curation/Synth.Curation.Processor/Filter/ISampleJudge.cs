using Synth.Contracts.Samples;
using Synth.Curation.Filters;

namespace Synth.Curation.Processor.Filter;

/// <summary>Where the filter's judge scores come from: a model (the stage) or a sample's stored decision (replay).</summary>
public interface ISampleJudge
{
    ValueTask<JudgeOutcome> AssessAsync(SampleDocument sample, string text, CancellationToken cancellationToken);
}
