using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Scriban;
using Scriban.Runtime;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Demonstrations;

namespace Synth.Generation.Prompts;

/// <summary>Everything a prompt is made of: p = E(e_task, e_condition, e_demo), plus knowledge and, for annotation, the input.</summary>
public sealed record PromptInputs
{
    public required TaskSpec Task { get; init; }
    public IReadOnlyDictionary<string, string> Conditions { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<Demonstration> Demos { get; init; } = [];
    /// <summary>Domain-knowledge facts, one line of text each (the generator reads them from the spec's JSONL file).</summary>
    public IReadOnlyList<string> Knowledge { get; init; } = [];
    /// <summary>Samples the prompt asks for (n).</summary>
    public int SampleCount { get; init; } = 1;
    /// <summary>The unlabelled record to annotate; null for generation.</summary>
    public SampleContent? Input { get; init; }
}
