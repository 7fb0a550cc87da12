namespace Synth.Contracts.Samples;

/// <summary>What made the sample: the prompt parts, the model, and what it cost.</summary>
public sealed class Provenance
{
    public required string RequestId { get; init; }
    public long RequestIndex { get; init; }
    public int IndexInRequest { get; init; }
    /// <summary>Generation strategy (single-step, annotation, dialogue, chain-of-thought, …).</summary>
    public string? Strategy { get; set; }
    public string? TemplateId { get; set; }
    /// <summary>SHA-256 (hex) of the rendered prompt.</summary>
    public string? PromptHash { get; set; }
    public Dictionary<string, string> Conditions { get; set; } = [];
    public List<string> DemoIds { get; set; } = [];
    public string? Provider { get; set; }
    public string? Model { get; set; }
    public Dictionary<string, string> Parameters { get; set; } = [];
    public TokenUsage Usage { get; set; } = new();
    /// <summary>This sample's share of its request's cost, in US dollars.</summary>
    public decimal CostUsd { get; set; }
}
