using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

/// <summary>A user prompt template: a file or inline text, in a named template language.</summary>
public sealed class TemplateSpec
{
    public TemplateLanguage Language { get; set; } = TemplateLanguage.Scriban;
    public string? File { get; set; }
    public string? Text { get; set; }
}
