namespace Synth.Contracts.Jobs;

public sealed class SchemaFilterSpec
{
    public bool Enabled { get; set; } = true;
}
