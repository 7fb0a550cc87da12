namespace Synth.Llm;

/// <summary>One HTTP call (or in-process generation) made for a request.</summary>
/// <param name="Number">1 for the first attempt.</param>
/// <param name="Latency">Time from sending to the answer or the error.</param>
/// <param name="StatusCode">HTTP status of a failed attempt; null for an answer, a timeout or a connection error.</param>
/// <param name="Failure">What kind of failure ended the attempt; null when it returned an answer.</param>
/// <param name="Error">Why the attempt failed (no secrets); null when it returned an answer.</param>
/// <param name="RetryAfter">The delay the server asked for, when it sent Retry-After.</param>
public sealed record LlmAttempt(int Number, TimeSpan Latency, int? StatusCode, LlmFailureKind? Failure, string? Error, TimeSpan? RetryAfter)
{
    /// <summary>The server said it is over its rate limit: the caller's adaptive concurrency should back off.</summary>
    public bool Throttled => StatusCode == 429;
}
