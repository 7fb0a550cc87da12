using Synth.Contracts.Samples;

namespace Synth.Store;

/// <param name="Pending">Waiting and free to lease.</param>
/// <param name="Leased">Pending but held by a reviewer whose lease has not expired.</param>
/// <param name="Labelled">Answered by a reviewer.</param>
public sealed record ReviewProgress(long Pending, long Leased, long Labelled)
{
    public long Total => Pending + Leased + Labelled;
}
