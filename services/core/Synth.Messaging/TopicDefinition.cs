namespace Synth.Messaging;

/// <summary>
/// A topic to create, its partition count and its topic-level configuration (e.g. <c>cleanup.policy=compact</c>);
/// the replication factor is the deployment's choice.
/// </summary>
public sealed record TopicDefinition(string Name, int Partitions)
{
    private static readonly IReadOnlyDictionary<string, string> NoConfig = new Dictionary<string, string>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Config { get; init; } = NoConfig;

    /// <summary>Equal when name, partitions and every setting are (a record would compare the dictionaries by reference).</summary>
    public bool Equals(TopicDefinition? other) =>
        other is not null
        && Name == other.Name
        && Partitions == other.Partitions
        && Config.Count == other.Config.Count
        && Config.All(setting => other.Config.TryGetValue(setting.Key, out var value) && value == setting.Value);

    public override int GetHashCode() => HashCode.Combine(Name, Partitions, Config.Count);
}
