using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public enum DemoSelection
{
    /// <summary>Nearest by embedding to the request's conditions or seed.</summary>
    Similarity = 1,
    /// <summary>Maximal marginal relevance: near, but unlike each other.</summary>
    Mmr = 2,
    Random = 3,
}
