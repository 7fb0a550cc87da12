namespace Synth.Generation.Throughput;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/>: it refills at a steady rate up to its capacity. <see cref="Reserve"/>
/// takes the amount at once, going into debt if need be, and says how long the caller must wait before sending; later
/// callers queue behind that debt, so admitted amounts never outrun the rate (plus one burst). Thread-safe.
/// </summary>
public sealed class TokenBucket
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private double _available;
    private long _lastRefill;

    public TokenBucket(double capacity, double refillPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(refillPerSecond);
        ArgumentNullException.ThrowIfNull(time);
        Capacity = capacity;
        RefillPerSecond = refillPerSecond;
        _time = time;
        _available = capacity;
        _lastRefill = time.GetTimestamp();
    }

    public double Capacity { get; }

    public double RefillPerSecond { get; }

    /// <summary>What is in the bucket now; negative while reservations are waiting on the refill.</summary>
    public double Available
    {
        get
        {
            lock (_gate)
            {
                Refill();
                return _available;
            }
        }
    }

    /// <summary>How long until <paramref name="amount"/> could be taken without waiting, taking nothing.</summary>
    public TimeSpan TimeUntilAvailable(double amount)
    {
        lock (_gate)
        {
            Refill();
            return WaitFor(amount);
        }
    }

    /// <summary>Takes <paramref name="amount"/> now and returns how long to wait before using it (zero when it was there).</summary>
    public TimeSpan Reserve(double amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        lock (_gate)
        {
            Refill();
            var wait = WaitFor(amount);
            _available -= amount;
            return wait;
        }
    }

    /// <summary>Gives back what a reservation did not use (a request that took fewer tokens than estimated, or was never sent).</summary>
    public void Refund(double amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        lock (_gate)
        {
            Refill();
            _available = Math.Min(Capacity, _available + amount);
        }
    }

    private TimeSpan WaitFor(double amount)
    {
        // A request bigger than the bucket can still go: it waits until the bucket is full, then borrows the rest.
        var needed = Math.Min(amount, Capacity) - _available;
        return needed <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(needed / RefillPerSecond);
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_lastRefill, now);
        _lastRefill = now;
        _available = Math.Min(Capacity, _available + elapsed.TotalSeconds * RefillPerSecond);
    }
}
