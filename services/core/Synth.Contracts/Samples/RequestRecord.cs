namespace Synth.Contracts.Samples;

/// <summary>
/// The ledger entry of one LLM request. Every request ends as one of these: succeeded (naming the samples it
/// produced) or failed (with the reason and the raw answer). A request with a record is never sent again.
/// </summary>
public sealed class RequestRecord
{
    public const int CurrentSchemaVersion = 1;

    /// <summary><see cref="SampleIds.Request"/>(job, index).</summary>
    public required string Id { get; init; }
    public required string JobId { get; init; }
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    public long Index { get; init; }
    public required RequestStatus Status { get; init; }
    public List<string> SampleIds { get; set; } = [];
    public int Attempts { get; set; }
    public string? Model { get; set; }
    public TokenUsage Usage { get; set; } = new();
    public decimal CostUsd { get; set; }
    /// <summary>Why it failed; never contains credentials.</summary>
    public string? Error { get; set; }
    /// <summary>The model's raw answer when it could not be turned into samples.</summary>
    public string? RawResponse { get; set; }
    /// <summary>Items of a (possibly succeeded) answer that could not become samples, each with its reason and raw text.</summary>
    public List<RequestItemFailure> ItemFailures { get; set; } = [];
    public string? TraceId { get; set; }
    public DateTimeOffset At { get; set; }
}
