using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Synth.Contracts.Jobs;
using Synth.Contracts.Json;
using Synth.Contracts.Samples;
using Synth.Generation.Accounting;
using Synth.Generation.Demonstrations;
using Synth.Generation.Prompts;
using Synth.Generation.Strategies;
using Synth.Llm;
using Synth.Pipeline;

namespace Synth.Generation.Processor;

/// <summary>A sample built in steps: its content, the first step's template, one hash for all its prompts, and the steps in order.</summary>
internal readonly record struct BuiltSample(SampleContent Content, string TemplateId, string PromptHash, IReadOnlyList<string> Steps);
