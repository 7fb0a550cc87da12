namespace Synth.Store.Sqlite;

public sealed class SqliteStoreOptions
{
    /// <summary>The database file; its directory is created if missing. Several processes may share one file.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>How long a write waits for another connection's (or process's) write lock before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
