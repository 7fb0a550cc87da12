namespace Synth.Llm;

/// <summary>Backoff between attempts; how many attempts and the per-attempt timeout come from the job spec.</summary>
public sealed class LlmRetryOptions
{
    /// <summary>Delay before the first retry; doubled per retry, with jitter, when the server gives no Retry-After.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest computed backoff. A server's Retry-After is honoured even when longer.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Most random delay added to a server's Retry-After, so throttled clients spread out their return.</summary>
    public TimeSpan RetryAfterJitter { get; init; } = TimeSpan.FromMilliseconds(250);
}
