using Microsoft.Data.Sqlite;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

/// <summary>
/// The dedup index on SQLite: check and add run in a BEGIN IMMEDIATE transaction, which holds the file's write
/// lock, so concurrent writers (threads, store objects, processes) are decided strictly one after another. The checks
/// that arrive while one transaction runs are decided together in the next (<see cref="GroupCommit{TItem, TResult}"/>),
/// with one query for all of them (<see cref="SqliteDedupBatch"/>). The index is one table with one row per entry,
/// appended in write order; band keys are looked up in a mirror kept by this process (<see cref="SqliteDedupKeyCache"/>)
/// and caught up from the file inside every transaction, so it holds across processes and restarts.
/// </summary>
public sealed class SqliteDedupStore : IDedupStore
{
    /// <summary>Created by <see cref="SqliteDatabase.InitializeAsync"/> with every other store's tables.</summary>
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS dedup_index (
            seq        INTEGER PRIMARY KEY AUTOINCREMENT,
            scope      TEXT NOT NULL,
            sample_id  TEXT NOT NULL,
            hash       TEXT NOT NULL,
            band_keys  TEXT NOT NULL,
            shingles   TEXT NOT NULL,
            embedding  BLOB
        );
        CREATE UNIQUE INDEX IF NOT EXISTS ux_dedup_index_scope_sample ON dedup_index (scope, sample_id);
        CREATE INDEX IF NOT EXISTS ix_dedup_index_scope_seq ON dedup_index (scope, seq);

        CREATE TABLE IF NOT EXISTS usage_counters (
            name  TEXT NOT NULL PRIMARY KEY,
            used  INTEGER NOT NULL
        );

        CREATE TABLE IF NOT EXISTS quota_slots (
            quota     TEXT NOT NULL,
            claimant  TEXT NOT NULL,
            PRIMARY KEY (quota, claimant)
        ) WITHOUT ROWID;
        """;

    /// <summary>The tables before the index was one row per entry; <see cref="MigrateAsync"/> moves their entries.</summary>
    private const string Migration = """
        INSERT OR IGNORE INTO dedup_index (seq, scope, sample_id, hash, band_keys, shingles, embedding)
        SELECT e.seq, e.scope, e.sample_id, COALESCE(h.hash, ''),
               COALESCE((SELECT group_concat(b.band_key, char(10)) FROM dedup_bands b WHERE b.scope = e.scope AND b.seq = e.seq), ''),
               e.shingles, e.embedding
        FROM dedup_entries e LEFT JOIN dedup_hashes h ON h.scope = e.scope AND h.sample_id = e.sample_id
        ORDER BY e.seq;
        DROP TABLE dedup_bands;
        DROP TABLE dedup_hashes;
        DROP TABLE dedup_entries;
        """;

    private readonly SqliteDatabase _database;
    // Check-and-adds of concurrent callers (a filter's messages in flight) share one write transaction.
    private readonly GroupCommit<DedupCheck, DedupCheckResult> _checks;
    // Only the batch in progress touches these (one at a time).
    private readonly Dictionary<string, SqliteDedupKeyCache> _keys = new(StringComparer.Ordinal);

    public SqliteDedupStore(SqliteDatabase database)
    {
        _database = database;
        _checks = new(CheckBatchAsync);
    }

    /// <remarks>
    /// Concurrent calls are decided together in one transaction, one after another in arrival order; each sees what
    /// the earlier ones recorded, exactly as separate transactions would. A <paramref name="decide"/> that throws fails
    /// its own call only.
    /// </remarks>
    public async Task<T> CheckAndAddAsync<T>(DedupKeys keys, DedupLookupOptions options, Func<DedupLookup, DedupOutcome<T>> decide, CancellationToken cancellationToken)
    {
        var result = await _checks.SubmitAsync(DedupCheck.Of(keys, options, decide), cancellationToken).ConfigureAwait(false);
        return result.Get<T>();
    }

    /// <summary>
    /// Moves the entries of a file written before the index was one row per entry (called by
    /// <see cref="SqliteDatabase.InitializeAsync"/> inside its transaction, after the schema).
    /// </summary>
    internal static async Task MigrateAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var exists = Command(connection, transaction, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'dedup_entries';");
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            return;
        }

        await using var migrate = Command(connection, transaction, Migration);
        await migrate.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<DedupCheckResult>> CheckBatchAsync(IReadOnlyList<DedupCheck> checks, CancellationToken cancellationToken)
    {
        // Scopes never see each other's entries, so each scope's checks are decided on their own.
        var scopes = Enumerable.Range(0, checks.Count).GroupBy(i => checks[i].Keys.Scope, StringComparer.Ordinal).ToList();
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken);
            await using var transaction = BeginWrite(connection);
            var results = new DedupCheckResult[checks.Count];
            foreach (var scope in scopes)
            {
                if (!_keys.TryGetValue(scope.Key, out var keys))
                {
                    keys = new SqliteDedupKeyCache(scope.Key);
                    _keys[scope.Key] = keys;
                }

                await using var batch = await SqliteDedupBatch.ReadAsync(
                    connection, transaction, keys, scope.Key, [.. scope.Select(i => (checks[i].Keys, checks[i].Options))], cancellationToken);
                foreach (var i in scope)
                {
                    results[i] = await CheckAndAddAsync(batch, checks[i], cancellationToken);
                }
            }

            await transaction.CommitAsync(cancellationToken);
            return results;
        }
        catch
        {
            // The mirrors may hold entries of the transaction that did not commit: read them afresh next time.
            foreach (var scope in scopes)
            {
                _keys.Remove(scope.Key);
            }

            throw;
        }
    }

    private static async Task<DedupCheckResult> CheckAndAddAsync(SqliteDedupBatch batch, DedupCheck check, CancellationToken cancellationToken)
    {
        var (result, record) = check.Decide(batch.Lookup(check.Keys, check.Options));
        if (record)
        {
            await batch.RecordAsync(check.Keys, cancellationToken);
        }

        return result;
    }

    public async Task<bool> TryConsumeAsync(string counter, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counter);
        if (limit <= 0)
        {
            return false;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            INSERT INTO usage_counters (name, used) VALUES ($name, 1)
            ON CONFLICT (name) DO UPDATE SET used = used + 1 WHERE used < $limit;
            """);
        command.Parameters.AddWithValue("$name", counter);
        command.Parameters.AddWithValue("$limit", limit);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<bool> TryClaimSlotAsync(string quota, string claimant, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quota);
        ArgumentNullException.ThrowIfNull(claimant);
        await using var connection = await _database.OpenAsync(cancellationToken);
        // One statement holds the write lock: the count and the insert see no concurrent grant in between.
        await using var claim = Command(connection, null, """
            INSERT INTO quota_slots (quota, claimant)
            SELECT $quota, $claimant WHERE (SELECT COUNT(*) FROM quota_slots WHERE quota = $quota) < $limit
            ON CONFLICT (quota, claimant) DO NOTHING;
            SELECT EXISTS (SELECT 1 FROM quota_slots WHERE quota = $quota AND claimant = $claimant);
            """);
        claim.Parameters.AddWithValue("$quota", quota);
        claim.Parameters.AddWithValue("$claimant", claimant);
        claim.Parameters.AddWithValue("$limit", limit);
        return Convert.ToInt64(await claim.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    public async Task<long> CountSlotsAsync(string quota, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quota);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var count = Command(connection, null, "SELECT COUNT(*) FROM quota_slots WHERE quota = $quota;");
        count.Parameters.AddWithValue("$quota", quota);
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
