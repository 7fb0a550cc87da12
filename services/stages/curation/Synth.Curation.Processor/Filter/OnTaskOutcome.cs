namespace Synth.Curation.Processor.Filter;

/// <param name="OnTask">The model's answer; null when there is none.</param>
/// <param name="Skipped">Why there is no answer (budget spent, call failed, unreadable answer).</param>
/// <param name="Model">Who answered.</param>
public sealed record OnTaskOutcome(bool? OnTask, string? Skipped, string? Model = null);
