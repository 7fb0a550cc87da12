using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public sealed class ModelPrice
{
    /// <summary>US dollars per one million prompt tokens.</summary>
    public decimal InputPerMillion { get; set; }
    /// <summary>US dollars per one million completion tokens.</summary>
    public decimal OutputPerMillion { get; set; }
}
