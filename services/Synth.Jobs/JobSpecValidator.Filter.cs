namespace Synth.Jobs;

internal sealed partial class JobSpecValidator
{
    /// <summary>Rules of the 'curation.filter' section.</summary>
    private void CheckFilter()
    {
    }
}
