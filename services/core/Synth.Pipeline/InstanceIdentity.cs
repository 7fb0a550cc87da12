namespace Synth.Pipeline;

/// <summary>This process's instance name (Synth:InstanceName), for processors that record or lease work under it.</summary>
public sealed record InstanceIdentity(string Name)
{
    public const string ConfigurationKey = "Synth:InstanceName";

    /// <summary>The name when none is configured: unique per process on a machine.</summary>
    public static string DefaultName => $"{Environment.MachineName}-{Environment.ProcessId}";
}
