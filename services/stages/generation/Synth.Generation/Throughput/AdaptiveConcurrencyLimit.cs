namespace Synth.Generation.Throughput;

/// <summary>
/// An adaptive limit on requests in flight (AIMD): multiplicative decrease on 429s, timeouts, or recent latency rising
/// above the baseline, additive increase while healthy, within [min, max]. Both latencies are moving averages, the
/// recent one fast and the baseline slow, so one slow answer is not overload and a server that is lastingly slower
/// becomes the new baseline. LLM latency grows with answer length: callers whose answers vary in length should pass a
/// length-normalised latency (e.g. per completion token). After a decrease, further overload signals are ignored until
/// a limit's worth of requests has completed, since requests sent before the decrease report the same overload and
/// would otherwise collapse the limit. The limit at which overload was last seen is remembered as the ceiling: within
/// one of it the limit grows <see cref="AimdOptions.CeilingPatience"/> times slower, and an overload met while probing
/// there takes the limit down by one instead of halving it, so a server with a fixed capacity is held just under it
/// with a rare probe past it. Overload met below the ceiling (the server got slower) halves the limit as usual, and
/// growing more than one past the ceiling without overload returns to the normal pace. Thread-safe.
/// </summary>
public sealed class AdaptiveConcurrencyLimit
{
    private readonly AimdOptions _options;
    private readonly Lock _gate = new();
    private double _limit;
    private int _completionsSinceDecrease;
    private bool _recovering;
    private double _recentMs = double.NaN;
    private double _baselineMs = double.NaN;
    private double _ceiling = double.NaN;

    public AdaptiveConcurrencyLimit(AimdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxLimit, options.MinLimit);
        if (options.DecreaseFactor is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "the decrease factor must be between 0 and 1");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CeilingPatience, 1);
        _options = options;
        _limit = Math.Clamp(options.InitialLimit ?? options.MaxLimit, options.MinLimit, options.MaxLimit);
    }

    /// <summary>Requests that may be in flight now.</summary>
    public int Limit
    {
        get
        {
            lock (_gate)
            {
                return (int)_limit;
            }
        }
    }

    public int InFlight { get; private set; }

    /// <summary>The slow moving average of success latency; null before the first success.</summary>
    public TimeSpan? BaselineLatency => double.IsNaN(_baselineMs) ? null : TimeSpan.FromMilliseconds(_baselineMs);

    /// <summary>The fast moving average of success latency; null before the first success.</summary>
    public TimeSpan? RecentLatency => double.IsNaN(_recentMs) ? null : TimeSpan.FromMilliseconds(_recentMs);

    /// <summary>The limit at which overload was last seen; null before any.</summary>
    public int? Ceiling
    {
        get
        {
            lock (_gate)
            {
                return double.IsNaN(_ceiling) ? null : (int)_ceiling;
            }
        }
    }

    /// <summary>Takes a slot when fewer than <see cref="Limit"/> requests are in flight.</summary>
    public bool TryAcquire()
    {
        lock (_gate)
        {
            if (InFlight >= (int)_limit)
            {
                return false;
            }
            InFlight++;
            return true;
        }
    }

    /// <summary>A healthy answer: grows the limit, unless its latency says the server is queueing.</summary>
    public void OnSuccess(TimeSpan latency)
    {
        lock (_gate)
        {
            Complete();
            var ms = latency.TotalMilliseconds;
            if (double.IsNaN(_baselineMs))
            {
                _recentMs = _baselineMs = ms;
            }
            else
            {
                _recentMs += _options.RecentSmoothing * (ms - _recentMs);
                _baselineMs += _options.BaselineSmoothing * (ms - _baselineMs);
            }
            if (_recentMs > _baselineMs * _options.LatencyTolerance)
            {
                Decrease();
                return;
            }
            if (!_recovering)
            {
                var step = _options.IncreaseStep / Math.Max(1, (int)_limit);
                _limit = Math.Min(_options.MaxLimit, _limit + (NearCeiling ? step / _options.CeilingPatience : step));
            }
        }
    }

    /// <summary>429 Too Many Requests.</summary>
    public void OnThrottled()
    {
        lock (_gate)
        {
            Complete();
            Decrease();
        }
    }

    public void OnTimeout() => OnThrottled();

    /// <summary>
    /// An attempt of a request still in flight was throttled (its retries go on): the limit reacts now, the slot stays
    /// taken. End the request with <see cref="OnCompletedAfterThrottling"/>.
    /// </summary>
    public void OnThrottledAttempt()
    {
        lock (_gate)
        {
            Decrease();
        }
    }

    /// <summary>
    /// A request whose throttled attempts were already reported ended: the slot is freed, and its latency (which
    /// holds the retries' waits) is not taken as a sample of the server's speed.
    /// </summary>
    public void OnCompletedAfterThrottling()
    {
        lock (_gate)
        {
            Complete();
        }
    }

    /// <summary>Any other failure (a 500, a malformed answer) says nothing about load: the slot is freed, the limit kept.</summary>
    public void OnOtherFailure()
    {
        lock (_gate)
        {
            Complete();
        }
    }

    /// <summary>Within one of the ceiling, either side: the zone where growth is slow.</summary>
    private bool NearCeiling => !double.IsNaN(_ceiling) && Math.Abs(_limit - _ceiling) <= 1;

    private void Complete()
    {
        if (InFlight > 0)
        {
            InFlight--;
        }
        if (_recovering && ++_completionsSinceDecrease >= Math.Max(1, (int)_limit))
        {
            _recovering = false;
        }
    }

    private void Decrease()
    {
        if (_recovering)
        {
            return;
        }
        // Overload while probing at the remembered ceiling is the known edge: step back under it. Elsewhere it is news.
        var probing = NearCeiling;
        _ceiling = Math.Floor(_limit);
        _limit = Math.Max(_options.MinLimit, probing ? _ceiling - 1 : Math.Floor(_limit * _options.DecreaseFactor));
        _recovering = true;
        _completionsSinceDecrease = 0;
    }
}
