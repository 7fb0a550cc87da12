namespace Synth.Generation.Throughput;

/// <summary>
/// Requests-per-minute and tokens-per-minute limits together. Each bucket refills at the per-minute rate and holds at
/// most <c>burstFraction</c> of a minute's allowance, so over time the limit is met exactly and no 60-second window
/// admits more than the limit plus that burst (saved up only while idle).
/// </summary>
public sealed class RateLimiter
{
    private readonly TokenBucket? _requests;
    private readonly TokenBucket? _tokens;

    /// <param name="requestsPerMinute">Null for no request limit.</param>
    /// <param name="tokensPerMinute">Null for no token limit (prompt plus completion tokens).</param>
    /// <param name="burstFraction">Share of a minute's allowance that may go at once, in (0, 1).</param>
    public RateLimiter(int? requestsPerMinute, int? tokensPerMinute, TimeProvider time, double burstFraction = 0.05)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (burstFraction is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(burstFraction), burstFraction, "must be between 0 and 1");
        }
        _requests = Bucket(requestsPerMinute, burstFraction, time);
        _tokens = Bucket(tokensPerMinute, burstFraction, time);
    }

    /// <summary>
    /// Reserves one request of <paramref name="tokens"/> (its prompt plus its expected completion) and returns how long
    /// to wait before sending it: the longer of the two limits' waits.
    /// </summary>
    public TimeSpan Reserve(int tokens)
    {
        var requestWait = _requests?.Reserve(1) ?? TimeSpan.Zero;
        var tokenWait = _tokens?.Reserve(tokens) ?? TimeSpan.Zero;
        return requestWait > tokenWait ? requestWait : tokenWait;
    }

    /// <summary>Returns tokens reserved but not used, once the answer's real usage is known.</summary>
    public void RefundTokens(int tokens) => _tokens?.Refund(tokens);

    private static TokenBucket? Bucket(int? perMinute, double burstFraction, TimeProvider time)
    {
        if (perMinute is not { } limit)
        {
            return null;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return new TokenBucket(limit * burstFraction, limit / 60.0, time);
    }
}
