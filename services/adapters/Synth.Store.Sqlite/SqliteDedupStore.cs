using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

/// <summary>
/// The dedup index on SQLite: check and add run in one BEGIN IMMEDIATE transaction, which holds the file's write
/// lock, so concurrent writers (threads, store objects, processes) are decided strictly one after another.
/// </summary>
public sealed class SqliteDedupStore(SqliteDatabase database) : IDedupStore
{
    /// <summary>Created by <see cref="SqliteDatabase.InitializeAsync"/> with every other store's tables.</summary>
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS dedup_entries (
            seq        INTEGER PRIMARY KEY AUTOINCREMENT,
            scope      TEXT NOT NULL,
            sample_id  TEXT NOT NULL,
            shingles   TEXT NOT NULL,
            embedding  BLOB
        );
        CREATE UNIQUE INDEX IF NOT EXISTS ux_dedup_entries_scope_sample ON dedup_entries (scope, sample_id);
        CREATE INDEX IF NOT EXISTS ix_dedup_entries_scope_seq ON dedup_entries (scope, seq);

        CREATE TABLE IF NOT EXISTS dedup_hashes (
            scope      TEXT NOT NULL,
            hash       TEXT NOT NULL,
            sample_id  TEXT NOT NULL,
            PRIMARY KEY (scope, hash)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS dedup_bands (
            scope     TEXT NOT NULL,
            band_key  TEXT NOT NULL,
            seq       INTEGER NOT NULL,
            PRIMARY KEY (scope, band_key, seq)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS usage_counters (
            name  TEXT NOT NULL PRIMARY KEY,
            used  INTEGER NOT NULL
        );
        """;

    // Shingles are normal-form words joined by spaces, so a newline never occurs inside one.
    private const char ShingleSeparator = '\n';

    public async Task<T> CheckAndAddAsync<T>(DedupKeys keys, DedupLookupOptions options, Func<DedupLookup, DedupOutcome<T>> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(decide);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = BeginWrite(connection);

        var own = await ReadEntriesAsync(connection, transaction, "SELECT seq, sample_id, shingles, NULL FROM dedup_entries WHERE scope = $scope AND sample_id = $sample_id;",
            command => command.Parameters.AddWithValue("$sample_id", keys.SampleId), keys.Scope, cancellationToken);
        string? owner;
        await using (var command = Command(connection, transaction, "SELECT sample_id FROM dedup_hashes WHERE scope = $scope AND hash = $hash;"))
        {
            command.Parameters.AddWithValue("$scope", keys.Scope);
            command.Parameters.AddWithValue("$hash", keys.ExactHash);
            owner = await command.ExecuteScalarAsync(cancellationToken) as string;
        }

        var candidates = keys.BandKeys.Count == 0 ? [] : await ReadEntriesAsync(connection, transaction, BandCandidatesSql(keys.BandKeys.Count),
            command =>
            {
                for (var i = 0; i < keys.BandKeys.Count; i++)
                {
                    command.Parameters.AddWithValue(string.Create(CultureInfo.InvariantCulture, $"$band{i}"), keys.BandKeys[i]);
                }
            }, keys.Scope, cancellationToken);
        var vectors = options.VectorsAfterSequence is not { } after ? [] : await ReadEntriesAsync(connection, transaction,
            "SELECT seq, sample_id, '', embedding FROM dedup_entries WHERE scope = $scope AND seq > $after AND embedding IS NOT NULL ORDER BY seq;",
            command => command.Parameters.AddWithValue("$after", after), keys.Scope, cancellationToken);

        var outcome = decide(new DedupLookup(own.FirstOrDefault(), owner, candidates, vectors));
        if (outcome.Record && own.Count == 0)
        {
            await AddDedupEntryAsync(connection, transaction, keys, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return outcome.Result;
    }

    public async Task<bool> TryConsumeAsync(string counter, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counter);
        if (limit <= 0)
        {
            return false;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            INSERT INTO usage_counters (name, used) VALUES ($name, 1)
            ON CONFLICT (name) DO UPDATE SET used = used + 1 WHERE used < $limit;
            """);
        command.Parameters.AddWithValue("$name", counter);
        command.Parameters.AddWithValue("$limit", limit);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static string BandCandidatesSql(int bandCount)
    {
        var sql = new StringBuilder("SELECT e.seq, e.sample_id, e.shingles, NULL FROM dedup_entries e WHERE e.seq IN (SELECT b.seq FROM dedup_bands b WHERE b.scope = $scope AND b.band_key IN (");
        sql.AppendJoin(", ", Enumerable.Range(0, bandCount).Select(i => string.Create(CultureInfo.InvariantCulture, $"$band{i}")));
        return sql.Append(")) ORDER BY e.seq;").ToString();
    }

    private static async Task<List<DedupStoredEntry>> ReadEntriesAsync(
        SqliteConnection connection, SqliteTransaction transaction, string sql, Action<SqliteCommand> bind, string scope, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        command.Parameters.AddWithValue("$scope", scope);
        bind(command);
        var entries = new List<DedupStoredEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var shingles = reader.GetString(2);
            entries.Add(new DedupStoredEntry(
                reader.GetInt64(0),
                reader.GetString(1),
                shingles.Length == 0 ? [] : shingles.Split(ShingleSeparator),
                reader.IsDBNull(3) ? null : MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(3)).ToArray()));
        }

        return entries;
    }

    private static async Task AddDedupEntryAsync(SqliteConnection connection, SqliteTransaction transaction, DedupKeys keys, CancellationToken cancellationToken)
    {
        long seq;
        await using (var command = Command(connection, transaction, """
            INSERT INTO dedup_entries (scope, sample_id, shingles, embedding) VALUES ($scope, $sample_id, $shingles, $embedding) RETURNING seq;
            """))
        {
            command.Parameters.AddWithValue("$scope", keys.Scope);
            command.Parameters.AddWithValue("$sample_id", keys.SampleId);
            command.Parameters.AddWithValue("$shingles", string.Join(ShingleSeparator, keys.Shingles));
            command.Parameters.AddWithValue("$embedding", keys.Embedding is null ? DBNull.Value : MemoryMarshal.AsBytes(keys.Embedding.AsSpan()).ToArray());
            seq = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        await using (var command = Command(connection, transaction, "INSERT OR IGNORE INTO dedup_hashes (scope, hash, sample_id) VALUES ($scope, $hash, $sample_id);"))
        {
            command.Parameters.AddWithValue("$scope", keys.Scope);
            command.Parameters.AddWithValue("$hash", keys.ExactHash);
            command.Parameters.AddWithValue("$sample_id", keys.SampleId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = Command(connection, transaction, "INSERT OR IGNORE INTO dedup_bands (scope, band_key, seq) VALUES ($scope, $band_key, $seq);"))
        {
            command.Parameters.AddWithValue("$scope", keys.Scope);
            var band = command.Parameters.Add("$band_key", SqliteType.Text);
            command.Parameters.AddWithValue("$seq", seq);
            foreach (var key in keys.BandKeys)
            {
                band.Value = key;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
