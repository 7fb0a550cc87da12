namespace Synth.Contracts.Audit;

/// <summary>One command or human label: who (the API key's name), what, when, on which job and sample.</summary>
/// <param name="Id">Unique and time-ordered (a version 7 GUID), so records of the same instant keep their order.</param>
/// <param name="Detail">What the action carried: the cancel reason, the new target, the label, the export format.</param>
public sealed record AuditRecord(string Id, DateTimeOffset At, string Actor, AuditAction Action, string JobId, string? SampleId = null, string? Detail = null)
{
    public static AuditRecord Create(DateTimeOffset at, string actor, AuditAction action, string jobId, string? sampleId = null, string? detail = null) =>
        new(Guid.CreateVersion7(at).ToString("N"), at, actor, action, jobId, sampleId, detail);
}
