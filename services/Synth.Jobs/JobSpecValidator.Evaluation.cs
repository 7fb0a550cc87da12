namespace Synth.Jobs;

internal sealed partial class JobSpecValidator
{
    /// <summary>Rules of the 'evaluation' section.</summary>
    private void CheckEvaluation()
    {
    }
}
