using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public enum TokenizerName
{
    [JsonStringEnumMemberName("o200k_base")]
    O200kBase = 1,
    [JsonStringEnumMemberName("cl100k_base")]
    Cl100kBase = 2,
}
