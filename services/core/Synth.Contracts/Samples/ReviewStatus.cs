namespace Synth.Contracts.Samples;

public enum ReviewStatus
{
    Pending = 1,
    Labelled = 2,
    Skipped = 3,
    /// <summary>The reviewer removed the sample from the dataset; its pipeline state is unchanged.</summary>
    Rejected = 4,
}
