using Synth.Contracts.Audit;
using Synth.Contracts.Json;
using Synth.Contracts.Samples;

namespace Synth.Api;

/// <summary>Everything known about how one sample came to be and what happened to it since.</summary>
/// <param name="Prompt">The prompt that made it: strategy, template id and the hash of the rendered prompt.</param>
/// <param name="Request">The ledger record of its LLM request (attempts, tokens, cost of the whole request); null if missing.</param>
/// <param name="Audit">Who did what to this sample through the API (human labels), oldest first.</param>
/// <param name="Timeline">Creation, every stage decision, every label change, the review and the audit records, oldest first.</param>
/// <param name="TraceUrl">The trace in the configured trace viewer; null when none is configured.</param>
public sealed record SampleLineage(
    string Id,
    string JobId,
    TaskType TaskType,
    SampleState State,
    SampleContent Content,
    double Weight,
    PromptLineage Prompt,
    IReadOnlyDictionary<string, string> Conditions,
    IReadOnlyList<string> DemoIds,
    ModelLineage Model,
    RequestLineage? Request,
    IReadOnlyList<StageDecision> Decisions,
    IReadOnlyList<LabelChange> LabelHistory,
    ReviewLineage? Review,
    IReadOnlyList<AuditRecord> Audit,
    IReadOnlyList<LineageEvent> Timeline,
    string? TraceId,
    Uri? TraceUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
