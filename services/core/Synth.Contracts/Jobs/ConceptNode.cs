using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public sealed class ConceptNode
{
    public string Name { get; set; } = "";
    public double Weight { get; set; } = 1.0;
    public List<ConceptNode> Children { get; set; } = [];
}
