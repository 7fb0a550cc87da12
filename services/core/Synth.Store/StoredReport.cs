namespace Synth.Store;

/// <summary>A job's latest evaluation report, as the JSON text Synth.Evaluation.Processor.Reports wrote (the store does not read it).</summary>
public sealed record StoredReport(string JobId, DateTimeOffset CreatedAt, string Json);
