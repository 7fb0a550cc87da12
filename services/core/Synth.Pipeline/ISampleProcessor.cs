using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;

namespace Synth.Pipeline;

/// <summary>
/// The algorithm of a consuming stage (filter, label refiner, evaluator). It gets its own copy of the sample and
/// may change its labels (appending to the label history), weight or review; it returns the verdict. It must give
/// the same verdict for the same sample, since a redelivered message may be processed again.
/// </summary>
public interface ISampleProcessor
{
    Stage Stage { get; }

    ValueTask<StageVerdict> ProcessAsync(SampleDocument sample, PipelineJob job, CancellationToken cancellationToken);
}
