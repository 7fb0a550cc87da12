namespace Synth.Llm;

public enum LlmOutcome
{
    /// <summary>The model answered and stopped by itself.</summary>
    Success = 1,
    /// <summary>The model or the provider's content filter declined to answer.</summary>
    Refusal = 2,
    /// <summary>The answer was cut at the output-token limit; its text is kept.</summary>
    Truncated = 3,
    /// <summary>No answer after the allowed attempts, or an error not worth retrying.</summary>
    Failure = 4,
}

/// <summary>One HTTP call (or in-process generation) made for a request.</summary>
/// <param name="Number">1 for the first attempt.</param>
/// <param name="Latency">Time from sending to the answer or the error.</param>
/// <param name="StatusCode">HTTP status of a failed attempt; null for an answer, a timeout or a connection error.</param>
/// <param name="Error">Why the attempt failed (no secrets); null when it returned an answer.</param>
/// <param name="RetryAfter">The delay the server asked for, when it sent Retry-After.</param>
public sealed record LlmAttempt(int Number, TimeSpan Latency, int? StatusCode, string? Error, TimeSpan? RetryAfter)
{
    /// <summary>The server said it is over its rate limit: the caller's adaptive concurrency should back off.</summary>
    public bool Throttled => StatusCode == 429;
}

/// <summary>The classified outcome of one <see cref="LlmRequest"/>, with what accounting and the concurrency limiter need.</summary>
public sealed record LlmResult
{
    public required LlmOutcome Outcome { get; init; }

    /// <summary>The answer text (also for a truncated answer, and the refusal text of a refusal).</summary>
    public string? Text { get; init; }

    /// <summary>The finish reason as the provider reported it (stop, length, content_filter, …).</summary>
    public string? FinishReason { get; init; }

    public long? PromptTokens { get; init; }

    public long? CompletionTokens { get; init; }

    /// <summary>Status code and short cause of a <see cref="LlmOutcome.Failure"/>; never contains the API key.</summary>
    public string? FailureReason { get; init; }

    /// <summary>Every attempt in order; the last one produced the outcome.</summary>
    public required IReadOnlyList<LlmAttempt> Attempts { get; init; }

    /// <summary>Latency of the last attempt: the signal for an adaptive concurrency limit.</summary>
    public TimeSpan Latency => Attempts.Count == 0 ? TimeSpan.Zero : Attempts[^1].Latency;

    /// <summary>Any attempt was answered with 429.</summary>
    public bool Throttled => Attempts.Any(a => a.Throttled);
}
