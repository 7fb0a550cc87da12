namespace Synth.Contracts.Jobs;

/// <summary>On when it has terms.</summary>
public sealed class BlockListFilterSpec
{
    public List<string> Terms { get; set; } = [];
}
