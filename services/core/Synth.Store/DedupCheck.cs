using System.Runtime.ExceptionServices;

namespace Synth.Store;

/// <summary>
/// One <see cref="IDedupStore.CheckAndAddAsync{T}"/> call waiting in an adapter's batch: its keys, and the caller's
/// decision, run against the batch's lookup. A decision that throws fails its own call only.
/// </summary>
public sealed class DedupCheck
{
    private readonly Func<DedupLookup, (object? Result, bool Record)> _decide;

    private DedupCheck(DedupKeys keys, DedupLookupOptions options, Func<DedupLookup, (object? Result, bool Record)> decide) =>
        (Keys, Options, _decide) = (keys, options, decide);

    public DedupKeys Keys { get; }

    public DedupLookupOptions Options { get; }

    public static DedupCheck Of<T>(DedupKeys keys, DedupLookupOptions options, Func<DedupLookup, DedupOutcome<T>> decide)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(decide);
        return new DedupCheck(keys, options, lookup =>
        {
            var outcome = decide(lookup);
            return (outcome.Result, outcome.Record);
        });
    }

    /// <returns>The caller's result (or its exception), and whether the adapter must add the keys to the index.</returns>
    public (DedupCheckResult Result, bool Record) Decide(DedupLookup lookup)
    {
        try
        {
            var (result, record) = _decide(lookup);
            return (new DedupCheckResult(result, null), record && lookup.OwnEntry is null);
        }
        catch (Exception ex)
        {
            return (new DedupCheckResult(null, ExceptionDispatchInfo.Capture(ex)), false);
        }
    }
}

/// <summary>What a <see cref="DedupCheck"/> gives its caller: the decision's result or the exception it threw.</summary>
public sealed record DedupCheckResult(object? Value, ExceptionDispatchInfo? Error)
{
    public T Get<T>()
    {
        Error?.Throw();
        return (T)Value!;
    }
}
