namespace Synth.Contracts.Jobs;

/// <summary>Inclusive bounds; an omitted bound is not checked.</summary>
public sealed class LengthFilterSpec
{
    public bool Enabled { get; set; } = true;
    public int? MinChars { get; set; } = 1;
    public int? MaxChars { get; set; } = 20000;
    public int? MinWords { get; set; }
    public int? MaxWords { get; set; }
}
