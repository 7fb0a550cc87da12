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
