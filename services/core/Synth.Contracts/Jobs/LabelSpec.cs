using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public sealed class LabelSpec
{
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
}
