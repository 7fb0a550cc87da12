using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public enum TemplateLanguage
{
    Scriban = 1,
    Liquid = 2,
}
