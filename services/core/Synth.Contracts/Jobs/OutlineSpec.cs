using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public sealed class OutlineSpec
{
    public int MinSections { get; set; } = 3;
    public int MaxSections { get; set; } = 6;
}
