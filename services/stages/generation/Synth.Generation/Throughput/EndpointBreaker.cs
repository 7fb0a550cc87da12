namespace Synth.Generation.Throughput;

/// <summary>
/// Decides when a job's model endpoint is down rather than having a bad moment: no successful call for
/// <see cref="EndpointBreakerOptions.MaxTimeWithoutSuccess"/> while calls keep failing, or a failure share of at
/// least <see cref="EndpointBreakerOptions.FailureRatio"/> over the last <see cref="EndpointBreakerOptions.Window"/>.
/// Once tripped it stays tripped until <see cref="Reset"/> (the job is paused; resuming it starts afresh). A call's
/// retries happen before it is recorded here, so each recorded failure already outlasted its retries.
/// </summary>
public sealed class EndpointBreaker(EndpointBreakerOptions options)
{
    private readonly Lock _gate = new();
    private readonly Queue<(DateTimeOffset At, bool Succeeded)> _window = new();
    private DateTimeOffset? _lastSuccessOrStart;
    private string? _tripped;

    /// <summary>Why the breaker tripped; null while the endpoint is taken to be up.</summary>
    public string? Tripped
    {
        get
        {
            lock (_gate)
            {
                return _tripped;
            }
        }
    }

    /// <summary>Records a call's outcome; returns why the breaker tripped, now or earlier, or null.</summary>
    public string? Record(bool succeeded, DateTimeOffset now)
    {
        lock (_gate)
        {
            _lastSuccessOrStart ??= now;
            if (succeeded)
            {
                _lastSuccessOrStart = now;
            }

            _window.Enqueue((now, succeeded));
            while (_window.Count > 0 && now - _window.Peek().At > options.Window)
            {
                _window.Dequeue();
            }

            if (_tripped is null && !succeeded)
            {
                var failed = _window.Count(c => !c.Succeeded);
                if (now - _lastSuccessOrStart >= options.MaxTimeWithoutSuccess)
                {
                    _tripped = $"no model call succeeded for {(now - _lastSuccessOrStart.Value).TotalSeconds:0} s";
                }
                else if (_window.Count >= options.MinimumCalls && failed >= options.FailureRatio * _window.Count)
                {
                    _tripped = $"{failed} of the last {_window.Count} model calls failed within {options.Window.TotalSeconds:0} s";
                }
            }

            return _tripped;
        }
    }

    /// <summary>Forgets everything: the job was resumed.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _window.Clear();
            _lastSuccessOrStart = null;
            _tripped = null;
        }
    }
}
