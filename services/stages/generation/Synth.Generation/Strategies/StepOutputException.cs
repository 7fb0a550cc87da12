using Synth.Contracts.Samples;
using Synth.Generation.Prompts;

namespace Synth.Generation.Strategies;

/// <summary>A step's answer that the sample cannot be built from; <see cref="Raw"/> is kept for the stored failure.</summary>
public sealed class StepOutputException(string step, string reason, string raw) : Exception($"step '{step}': {reason}")
{
    public string Step { get; } = step;
    public string Reason { get; } = reason;
    public string Raw { get; } = raw;
}
