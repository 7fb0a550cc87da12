namespace Synth.Contracts.Jobs;

public enum DedupScope
{
    /// <summary>Duplicates within this job.</summary>
    Job = 1,
    /// <summary>Duplicates within a named dataset shared by every job that names it.</summary>
    Dataset = 2,
}
