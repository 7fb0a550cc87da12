namespace Synth.Llm;

/// <summary>What ended a failed <see cref="LlmAttempt"/>.</summary>
public enum LlmFailureKind
{
    /// <summary>The attempt ran past the connection's per-attempt timeout: the server may be overloaded.</summary>
    Timeout = 1,
    /// <summary>The caller cancelled the request.</summary>
    Cancelled = 2,
    /// <summary>The provider answered with an error status (<see cref="LlmAttempt.StatusCode"/>).</summary>
    ErrorStatus = 3,
    /// <summary>No response at all: connection refused or reset, DNS.</summary>
    Connection = 4,
    /// <summary>The response body could not be read.</summary>
    MalformedResponse = 5,
    /// <summary>Anything else the client threw.</summary>
    Other = 6,
}
