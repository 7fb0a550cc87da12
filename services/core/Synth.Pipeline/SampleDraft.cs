using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;

namespace Synth.Pipeline;

/// <summary>A generated sample before the runtime gives it its id, job and request provenance.</summary>
public sealed record SampleDraft
{
    public required SampleContent Content { get; init; }
    public string? Strategy { get; init; }
    public string? TemplateId { get; init; }
    public string? PromptHash { get; init; }
    public IReadOnlyDictionary<string, string> Conditions { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> DemoIds { get; init; } = [];
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
}
