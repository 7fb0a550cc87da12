namespace Synth.Cli;

public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The run could not start or failed: configuration, processors, store.</summary>
    public const int Failed = 1;
    /// <summary>The job spec is invalid (malformed YAML, unknown field, invalid value).</summary>
    public const int InvalidSpec = 2;
    /// <summary>The API has no such job (synth status|pause|resume|cancel).</summary>
    public const int NotFound = 3;
    /// <summary>The job's state does not allow the command (e.g. resuming a completed job).</summary>
    public const int Conflict = 4;
    public const int Cancelled = 130;
}
