namespace Synth.Jobs;

/// <summary>
/// What a spec may name: who wrote it, and the connections the operator configured for it to use (for a spec from the
/// API, those its key may use).
/// </summary>
public sealed record SpecPolicy(SpecSource Source, IReadOnlyDictionary<string, NamedConnection> Connections)
{
    /// <summary>A spec written by the operator of the machine, with no named connections configured.</summary>
    public static SpecPolicy Operator { get; } = new(SpecSource.Operator, new Dictionary<string, NamedConnection>());

    /// <summary>The configured connection names, for an error message: "azure-gpt4o, local".</summary>
    internal string ConnectionList =>
        Connections.Count == 0 ? "none is configured (server configuration Connections:<name>)" : string.Join(", ", Connections.Keys.Order(StringComparer.Ordinal));
}
