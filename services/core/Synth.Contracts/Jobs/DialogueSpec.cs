using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public sealed class DialogueSpec
{
    /// <summary>Fewest messages in a conversation (user and assistant alternate, user first).</summary>
    public int MinTurns { get; set; } = 2;
    public int MaxTurns { get; set; } = 6;
}
