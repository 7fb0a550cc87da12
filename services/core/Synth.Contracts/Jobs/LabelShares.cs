namespace Synth.Contracts.Jobs;

/// <summary>How a classification job spreads its requests over the labels (class-conditional generation).</summary>
public enum LabelShares
{
    /// <summary>Every label gets the same share of requests; each request asks for one label.</summary>
    Uniform = 1,
    /// <summary>Each label's <see cref="LabelSpec.Share"/> is its relative share of requests.</summary>
    Weights = 2,
    /// <summary>No label is asked for: the model picks, and the balance is whatever it writes.</summary>
    Off = 3,
}
