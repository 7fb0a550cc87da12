using System.Runtime.ExceptionServices;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

/// <summary>
/// The dedup index on SQLite: check and add run in a BEGIN IMMEDIATE transaction, which holds the file's write
/// lock, so concurrent writers (threads, store objects, processes) are decided strictly one after another. The checks
/// that arrive while one transaction runs are decided together in the next (<see cref="GroupCommit{TItem, TResult}"/>),
/// with one query per kind of key for all of them (<see cref="SqliteDedupBatch"/>).
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

    // Check-and-adds of concurrent callers (a filter's messages in flight) share one write transaction.
    private readonly GroupCommit<PendingCheck, CheckResult> _checks = new((checks, cancellationToken) => CheckBatchAsync(database, checks, cancellationToken));

    /// <remarks>
    /// Concurrent calls are decided together in one transaction, one after another in arrival order; each sees what
    /// the earlier ones recorded, exactly as separate transactions would. A <paramref name="decide"/> that throws fails
    /// its own call only.
    /// </remarks>
    public async Task<T> CheckAndAddAsync<T>(DedupKeys keys, DedupLookupOptions options, Func<DedupLookup, DedupOutcome<T>> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(decide);
        var result = await _checks.SubmitAsync(new PendingCheck(keys, options, lookup =>
        {
            var outcome = decide(lookup);
            return (outcome.Result, outcome.Record);
        }), cancellationToken).ConfigureAwait(false);
        result.Error?.Throw();
        return (T)result.Value!;
    }

    private static async Task<IReadOnlyList<CheckResult>> CheckBatchAsync(SqliteDatabase database, IReadOnlyList<PendingCheck> checks, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = BeginWrite(connection);
        var results = new CheckResult[checks.Count];
        // Scopes never see each other's entries, so each scope's checks are decided on their own.
        foreach (var scope in Enumerable.Range(0, checks.Count).GroupBy(i => checks[i].Keys.Scope, StringComparer.Ordinal))
        {
            await using var batch = await SqliteDedupBatch.ReadAsync(
                connection, transaction, scope.Key, [.. scope.Select(i => (checks[i].Keys, checks[i].Options))], cancellationToken);
            foreach (var i in scope)
            {
                results[i] = await CheckAndAddAsync(batch, checks[i], cancellationToken);
            }

            await batch.WriteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    private static async Task<CheckResult> CheckAndAddAsync(SqliteDedupBatch batch, PendingCheck check, CancellationToken cancellationToken)
    {
        var lookup = batch.Lookup(check.Keys, check.Options);
        (object? Result, bool Record) outcome;
        try
        {
            outcome = check.Decide(lookup);
        }
        catch (Exception ex)
        {
            return new CheckResult(null, ExceptionDispatchInfo.Capture(ex));
        }

        if (outcome.Record && lookup.OwnEntry is null)
        {
            await batch.RecordAsync(check.Keys, cancellationToken);
        }

        return new CheckResult(outcome.Result, null);
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

    private sealed record PendingCheck(DedupKeys Keys, DedupLookupOptions Options, Func<DedupLookup, (object? Result, bool Record)> Decide);

    private sealed record CheckResult(object? Value, ExceptionDispatchInfo? Error);
}
