namespace Synth.Contracts.Samples;

/// <summary>The four pipeline stages, each a separately scalable service.</summary>
public enum Stage
{
    Generator = 1,
    Filter = 2,
    LabelRefiner = 3,
    Evaluator = 4,
}
