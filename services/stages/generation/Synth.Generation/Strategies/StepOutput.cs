using Synth.Contracts.Samples;
using Synth.Generation.Prompts;

namespace Synth.Generation.Strategies;

/// <summary>What the model answered to one step.</summary>
public sealed record StepOutput(string Step, string Text);
