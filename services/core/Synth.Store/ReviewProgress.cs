using Synth.Contracts.Samples;

namespace Synth.Store;

/// <param name="Pending">Waiting and free to lease.</param>
/// <param name="Leased">Pending but held by a reviewer whose lease has not expired.</param>
/// <param name="Labelled">Answered by a reviewer with a label.</param>
/// <param name="Rejected">Answered by a reviewer who removed the sample from the dataset.</param>
public sealed record ReviewProgress(long Pending, long Leased, long Labelled, long Rejected = 0)
{
    public long Total => Pending + Leased + Labelled + Rejected;
}
