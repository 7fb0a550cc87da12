namespace Synth.Store;

/// <summary>
/// A lease on a job's request indexes <see cref="Start"/> to <see cref="End"/> - 1, held under <see cref="Token"/>.
/// <see cref="TakenOver"/>: the block had been claimed before by an instance that did not finish it, so some of its
/// requests may be recorded and their samples stored but not published.
/// </summary>
public sealed record RequestClaim(string JobId, long Start, long End, string Token, DateTimeOffset ExpiresAt, bool TakenOver)
{
    public bool Contains(long index) => index >= Start && index < End;

    public IEnumerable<long> Indexes()
    {
        for (var i = Start; i < End; i++)
        {
            yield return i;
        }
    }
}
