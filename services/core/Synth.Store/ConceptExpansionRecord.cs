namespace Synth.Store;

/// <summary>One node's expansion and the ledger of the call that made it (never bought twice).</summary>
/// <param name="NodePath">The node that was split ("" for the root of a tree with no topics).</param>
/// <param name="Children">The sub-topics added (name, weight), in order.</param>
/// <param name="Instance">The instance that claimed the node and made the call.</param>
/// <param name="CallId">The budget call id the call was reserved and committed under.</param>
public sealed record ConceptExpansionRecord(
    string JobId,
    string NodePath,
    ConceptExpansionStatus Status,
    IReadOnlyList<ConceptChild> Children,
    string Instance,
    string? CallId = null,
    string? Error = null,
    string? RawResponse = null,
    long PromptTokens = 0,
    long CompletionTokens = 0,
    decimal CostUsd = 0,
    DateTimeOffset At = default);
