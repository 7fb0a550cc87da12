namespace Synth.Contracts.Samples;

public enum ReviewStatus
{
    Pending = 1,
    Labelled = 2,
    Skipped = 3,
}
