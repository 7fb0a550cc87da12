namespace Synth.Contracts.Jobs;

/// <summary>The curated dataset's split into train/validation/test, by a seeded hash of each sample's id.</summary>
public sealed class ExportSpec
{
    public double TrainFraction { get; set; } = 0.8;
    public double ValidationFraction { get; set; } = 0.1;
    public double TestFraction { get; set; } = 0.1;
    /// <summary>Seeds the split hash: the same seed always puts a sample in the same split.</summary>
    public int Seed { get; set; }
}
