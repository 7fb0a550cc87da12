namespace Synth.Contracts.Jobs;

public enum FilterMode
{
    Threshold = 1,
    RankAndDrop = 2,
}
