namespace Synth.Contracts.Jobs;

public sealed class RepetitionFilterSpec
{
    public bool Enabled { get; set; } = true;
    /// <summary>Word n-gram size of the repeated n-gram ratio.</summary>
    public int Ngram { get; set; } = 3;
    public double MaxRepeatedRatio { get; set; } = 0.3;
}
