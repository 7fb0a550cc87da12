using Synth.Contracts.Samples;

namespace Synth.Pipeline;

/// <summary>Told of every sample a consuming stage has stored its decision on (the control plane's progress reports).</summary>
public interface IStageObserver
{
    void Stored(Stage stage, SampleDocument sample);
}
