using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;

namespace Synth.Pipeline;

/// <summary>The outcome of one LLM request: drafts plus accounting, or a failure with its reason and raw answer.</summary>
public sealed record GenerationResult
{
    public IReadOnlyList<SampleDraft> Drafts { get; init; } = [];
    public string? Provider { get; init; }
    public string? Model { get; init; }
    public TokenUsage Usage { get; init; } = new();
    public decimal CostUsd { get; init; }
    public int Attempts { get; init; } = 1;
    /// <summary>Set when the request failed; the request is then stored as a counted failure.</summary>
    public string? Error { get; init; }
    public string? RawResponse { get; init; }
    /// <summary>Items of the answer that could not become samples (the request may still have succeeded with the rest).</summary>
    public IReadOnlyList<RequestItemFailure> ItemFailures { get; init; } = [];

    public bool Succeeded => Error is null;

    public static GenerationResult Failed(string error, string? rawResponse = null, int attempts = 1) =>
        new() { Error = error, RawResponse = rawResponse, Attempts = attempts };
}
