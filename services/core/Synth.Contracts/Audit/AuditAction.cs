namespace Synth.Contracts.Audit;

/// <summary>What a person did through the API (docs/security.md, "Audit trail").</summary>
public enum AuditAction
{
    Submit = 1,
    Pause = 2,
    Resume = 3,
    Cancel = 4,
    Retarget = 5,
    Label = 6,
    Export = 7,
    UploadDataset = 8,
    Reject = 9,
}
