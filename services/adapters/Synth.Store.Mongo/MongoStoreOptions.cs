namespace Synth.Store.Mongo;

public sealed class MongoStoreOptions
{
    /// <summary>A mongodb:// or mongodb+srv:// URI; write concern and TLS come from it.</summary>
    public required string ConnectionString { get; init; }

    public string Database { get; init; } = "synth";
}
