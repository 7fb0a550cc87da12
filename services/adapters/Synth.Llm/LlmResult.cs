namespace Synth.Llm;

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
