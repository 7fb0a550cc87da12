using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public sealed class LabelSpec
{
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    /// <summary>Relative share of requests asking for this label; required by, and only allowed with, <c>labelShares: weights</c>.</summary>
    public double? Share { get; set; }
}
