namespace Synth.Jobs;

internal sealed partial class JobSpecValidator
{
    /// <summary>Rules of the 'curation.labelRefinement' section.</summary>
    private void CheckLabelRefinement()
    {
    }
}
