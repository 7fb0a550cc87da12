namespace Synth.Testing;

/// <summary>
/// One sample the simulated model served, with its truth: the fault, the true label (null for text with none: a
/// refusal or off-task text) and the label it was served with.
/// </summary>
public sealed record ServedItem(long Sequence, string Text, FaultKind Fault, string? TrueLabel, string ServedLabel);
