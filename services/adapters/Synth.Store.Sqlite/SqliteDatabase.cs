using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Synth.Contracts.Messaging;

namespace Synth.Store.Sqlite;

/// <summary>
/// The SQLite file every store of this adapter shares (<see cref="SqliteStores.Open(string)"/>), in WAL mode. Every
/// operation opens its own (pooled) connection, so one instance is safe for many threads, and several processes can
/// share the file: readers never block, writers queue on the file's write lock for up to <see cref="SqliteStoreOptions.BusyTimeout"/>.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;

    public SqliteDatabase(string databasePath)
        : this(new SqliteStoreOptions { DatabasePath = databasePath })
    {
    }

    public SqliteDatabase(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DatabasePath);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.BusyTimeout, TimeSpan.Zero);

        var path = Path.GetFullPath(options.DatabasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        DatabasePath = path;
        _busyTimeoutMs = (int)Math.Min(int.MaxValue, options.BusyTimeout.TotalMilliseconds);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Microsoft.Data.Sqlite also retries BUSY/LOCKED statements itself for this long (whole seconds).
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <summary>The absolute path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Creates every store's tables and indexes, if missing, in one transaction.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // WAL is a property of the file: set once, every later connection (from any process) uses it.
        await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);
        await using var transaction = BeginWrite(connection);
        foreach (var schema in (string[])[
            SqliteSchema.Create,
            SqliteBudgetStore.Schema,
            SqliteRequestClaimStore.Schema,
            SqliteDedupStore.Schema,
            SqliteReviewStore.Schema,
            SqliteReportStore.Schema,
            SqliteSagaStore.Schema,
            SqliteConceptTreeStore.Schema,
            SqliteAuditStore.Schema,
            SqliteCuratedOutboxStore.Schema])
        {
            await using var command = Command(connection, transaction, schema);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await SqliteDedupStore.MigrateAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Per connection: wait for other writers instead of failing with SQLITE_BUSY. synchronous=NORMAL is
            // safe in WAL (a crashed process loses nothing; only an OS crash can undo the last commits).
            await ExecuteAsync(
                connection,
                string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {_busyTimeoutMs}; PRAGMA synchronous = NORMAL;"),
                cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// BEGIN IMMEDIATE takes the write lock up front (waiting per busy_timeout); a deferred transaction that
    /// reads first and then writes could not upgrade under WAL and would fail with SQLITE_BUSY at once.
    /// </summary>
    internal static SqliteTransaction BeginWrite(SqliteConnection connection) => connection.BeginTransaction(deferred: false);

    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Reads up to <paramref name="limit"/> + 1 rows of (id, document): the extra row only says a next page exists.</summary>
    internal static async Task<Page<T>> ReadPageAsync<T>(SqliteCommand command, int limit, CancellationToken cancellationToken)
    {
        var items = new List<T>(Math.Min(limit, 1024));
        string? lastId = null;
        var more = false;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (items.Count == limit)
            {
                more = true;
                break;
            }
            lastId = reader.GetString(0);
            items.Add(SampleJson.FromJson<T>(reader.GetString(1)));
        }
        return new Page<T>(items, more ? lastId : null);
    }

    /// <summary>Enum values in columns use the same kebab-case names as the JSON documents.</summary>
    internal static string Name<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    internal static TEnum Parse<TEnum>(string name) where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Single(value => Name(value) == name);

    /// <summary>UTC, fixed width, 100 ns: sorts as text in time order.</summary>
    internal static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
