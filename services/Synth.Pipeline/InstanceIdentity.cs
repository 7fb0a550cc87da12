namespace Synth.Pipeline;

/// <summary>This process's instance name (Synth:InstanceName), for processors that record or lease work under it.</summary>
public sealed record InstanceIdentity(string Name);
