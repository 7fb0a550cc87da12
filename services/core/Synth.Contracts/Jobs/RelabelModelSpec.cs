namespace Synth.Contracts.Jobs;

/// <summary>The model connection of the relabeller, in the same terms as the generation section.</summary>
public sealed class RelabelModelSpec : ModelCallSpec
{
    /// <summary>
    /// A vote is one label: a shorter timeout, fewer retries and shorter answers than generation's. The temperature
    /// stays above 0 so the k votes can differ: their agreement is the confidence.
    /// </summary>
    public RelabelModelSpec()
        : base(new ModelConnection { TimeoutSeconds = 60, MaxRetries = 3 }, maxOutputTokens: 64)
    {
    }
}
