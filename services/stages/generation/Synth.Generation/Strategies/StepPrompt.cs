using Synth.Contracts.Samples;
using Synth.Generation.Prompts;

namespace Synth.Generation.Strategies;

/// <summary>One prompt of a multi-step sample; its hash is recorded like a single-step prompt's.</summary>
public sealed record StepPrompt(int StepIndex, string Step, string Text, string TemplateId, string PromptHash);
