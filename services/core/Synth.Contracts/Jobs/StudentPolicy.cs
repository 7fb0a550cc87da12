namespace Synth.Contracts.Jobs;

public enum StudentPolicy
{
    /// <summary>Apply the student's label; the change is recorded with its confidence.</summary>
    Relabel = 1,
    /// <summary>Keep the label; send the sample to review with the student's label as a candidate.</summary>
    Flag = 2,
}
