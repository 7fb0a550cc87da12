namespace Synth.Contracts.Samples;

/// <summary>
/// One synthetic sample with its whole history. Schema version <see cref="CurrentSchemaVersion"/>;
/// see docs/schemas.md. Stages add to it; nothing is ever removed from its history.
/// </summary>
public sealed class SampleDocument
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>Deterministic: <see cref="SampleIds.For"/>(job, request, index).</summary>
    public required string Id { get; init; }
    public required string JobId { get; init; }
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    /// <summary>
    /// The store's write count: every write of the sample stores the previous version + 1 and hands the writer the new
    /// number. A stage replaces the sample only if this is still the version it read (compare-and-set), so no write
    /// made meanwhile (a reviewer's label) is overwritten. 0 for a sample never stored.
    /// </summary>
    public long Version { get; set; }
    public required TaskType TaskType { get; init; }
    public SampleState State { get; set; } = SampleState.Generated;
    public required SampleContent Content { get; set; }
    public required Provenance Provenance { get; init; }
    public List<StageDecision> Decisions { get; set; } = [];
    public List<LabelChange> LabelHistory { get; set; } = [];
    /// <summary>Training importance; 1 unless a curation stage re-weights the sample.</summary>
    public double Weight { get; set; } = 1.0;
    public ReviewRecord? Review { get; set; }
    /// <summary>W3C trace id (32 hex chars) that every stage's span for this sample shares.</summary>
    public string? TraceId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum TaskType
{
    TextClassification = 1,
    InstructionResponse = 2,
    QuestionAnswering = 3,
    Dialogue = 4,
    Reasoning = 5,
}

/// <summary>The content fields; which ones are set depends on the task type (docs/schemas.md).</summary>
public sealed class SampleContent
{
    /// <summary>Text classification input.</summary>
    public string? Text { get; set; }
    /// <summary>Current label (classification) — its changes are in <see cref="SampleDocument.LabelHistory"/>.</summary>
    public string? Label { get; set; }
    public string? Instruction { get; set; }
    public string? Input { get; set; }
    public string? Response { get; set; }
    /// <summary>Passage a question is asked over.</summary>
    public string? Context { get; set; }
    public string? Question { get; set; }
    public string? Answer { get; set; }
    /// <summary>Chain-of-thought rationale that precedes <see cref="Answer"/>.</summary>
    public string? Rationale { get; set; }
    public List<DialogueTurn> Turns { get; set; } = [];
}

public sealed class DialogueTurn
{
    public required string Role { get; init; }
    public required string Text { get; init; }
}

/// <summary>What made the sample: the prompt parts, the model, and what it cost.</summary>
public sealed class Provenance
{
    public required string RequestId { get; init; }
    public long RequestIndex { get; init; }
    public int IndexInRequest { get; init; }
    /// <summary>Generation strategy (single-step, annotation, dialogue, chain-of-thought, …).</summary>
    public string? Strategy { get; set; }
    public string? TemplateId { get; set; }
    /// <summary>SHA-256 (hex) of the rendered prompt.</summary>
    public string? PromptHash { get; set; }
    public Dictionary<string, string> Conditions { get; set; } = [];
    public List<string> DemoIds { get; set; } = [];
    public string? Provider { get; set; }
    public string? Model { get; set; }
    public Dictionary<string, string> Parameters { get; set; } = [];
    public TokenUsage Usage { get; set; } = new();
    /// <summary>This sample's share of its request's cost, in US dollars.</summary>
    public decimal CostUsd { get; set; }
}

public sealed class TokenUsage
{
    public long PromptTokens { get; set; }
    public long CompletionTokens { get; set; }
    public long TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>One stage's verdict on a sample, with the scores and the reason behind it.</summary>
public sealed class StageDecision
{
    public required Stage Stage { get; init; }
    public required SampleState Outcome { get; init; }
    public Dictionary<string, double> Scores { get; set; } = [];
    public string? Reason { get; set; }
    /// <summary>Which service instance decided (host/process), for debugging scale-out.</summary>
    public string? DecidedBy { get; set; }
    public string? TraceId { get; set; }
    public string? SpanId { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>One label change; the previous label is kept so the history is complete.</summary>
public sealed class LabelChange
{
    public string? From { get; init; }
    public required string To { get; init; }
    /// <summary>How the label came to be.</summary>
    public required LabelMethod Method { get; init; }
    /// <summary>Who or what: a model name or a reviewer id.</summary>
    public string? By { get; init; }
    public double? Confidence { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset At { get; init; }
}

public enum ReviewStatus
{
    Pending = 1,
    Labelled = 2,
    Skipped = 3,
}

public sealed class ReviewRecord
{
    public ReviewStatus Status { get; set; } = ReviewStatus.Pending;
    public string? Reviewer { get; set; }
    public string? Label { get; set; }
    public double Priority { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>Why the sample was queued (its confidence and the signal behind it).</summary>
    public string? Reason { get; set; }
    /// <summary>The labels the automated methods proposed, with their confidences, shown to the reviewer.</summary>
    public List<ReviewCandidateLabel> Candidates { get; set; } = [];
    /// <summary>The reviewer holding the task; with <see cref="LeaseExpiresAt"/> keeps two reviewers off one sample.</summary>
    public string? LeasedBy { get; set; }
    /// <summary>Random token the lease holder submits with the label; a lease taken over by another reviewer has a new one.</summary>
    public string? LeaseToken { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
}

/// <summary>A label an automated method proposed for review.</summary>
public sealed class ReviewCandidateLabel
{
    public required string Label { get; init; }
    public double Confidence { get; init; }
    /// <summary>What proposed it (llm-relabel, student-model), or <see cref="LabelMethod.Current"/> for the label as it stood.</summary>
    public required LabelMethod Method { get; init; }
}
