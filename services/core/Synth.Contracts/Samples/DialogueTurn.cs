namespace Synth.Contracts.Samples;

public sealed class DialogueTurn
{
    public required string Role { get; init; }
    public required string Text { get; init; }
}
