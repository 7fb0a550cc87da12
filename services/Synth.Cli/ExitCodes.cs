namespace Synth.Cli;

public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The run could not start or failed: configuration, processors, store.</summary>
    public const int Failed = 1;
    /// <summary>The job spec is invalid (malformed YAML, unknown field, invalid value).</summary>
    public const int InvalidSpec = 2;
    public const int Cancelled = 130;
}
