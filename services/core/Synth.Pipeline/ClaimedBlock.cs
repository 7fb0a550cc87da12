using Synth.Store;

namespace Synth.Pipeline;

/// <summary>A block of request indexes this generator instance holds, and how many of its requests are still to record.</summary>
internal sealed class ClaimedBlock(RequestClaim claim, int toRecord)
{
    private int _toRecord = toRecord;
    private volatile bool _lost;

    public RequestClaim Claim { get; } = claim;

    /// <summary>The lease expired and another instance took the block: no more of its requests are started here.</summary>
    public bool Lost => _lost;

    public void MarkLost() => _lost = true;

    /// <summary>One of its requests is recorded; true when that was the last.</summary>
    public bool Recorded() => Interlocked.Decrement(ref _toRecord) == 0;
}
