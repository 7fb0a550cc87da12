using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

/// <summary>
/// The dedup index on SQLite: check and add run in a BEGIN IMMEDIATE transaction, which holds the file's write
/// lock, so concurrent writers (threads, store objects, processes) are decided strictly one after another. The checks
/// that arrive while one transaction runs are decided together in the next (<see cref="GroupCommit{TItem, TResult}"/>).
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
        await using var commands = new DedupCommands(connection, transaction);
        var results = new CheckResult[checks.Count];
        for (var i = 0; i < checks.Count; i++)
        {
            results[i] = await CheckAndAddAsync(commands, checks[i], cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    private static async Task<CheckResult> CheckAndAddAsync(DedupCommands commands, PendingCheck check, CancellationToken cancellationToken)
    {
        var keys = check.Keys;
        var own = await ReadEntriesAsync(commands.Own, keys.Scope, command => command.Parameters["$sample_id"].Value = keys.SampleId, cancellationToken);
        commands.Owner.Parameters["$scope"].Value = keys.Scope;
        commands.Owner.Parameters["$hash"].Value = keys.ExactHash;
        var owner = await commands.Owner.ExecuteScalarAsync(cancellationToken) as string;

        var candidates = keys.BandKeys.Count == 0 ? [] : await ReadEntriesAsync(commands.Candidates(keys.BandKeys.Count), keys.Scope,
            command =>
            {
                for (var i = 0; i < keys.BandKeys.Count; i++)
                {
                    command.Parameters[BandParameter(i)].Value = keys.BandKeys[i];
                }
            }, cancellationToken);
        var vectors = check.Options.VectorsAfterSequence is not { } after ? [] : await ReadEntriesAsync(commands.Vectors, keys.Scope,
            command => command.Parameters["$after"].Value = after, cancellationToken);

        (object? Result, bool Record) outcome;
        try
        {
            outcome = check.Decide(new DedupLookup(own.FirstOrDefault(), owner, candidates, vectors));
        }
        catch (Exception ex)
        {
            return new CheckResult(null, ExceptionDispatchInfo.Capture(ex));
        }

        if (outcome.Record && own.Count == 0)
        {
            await AddDedupEntryAsync(commands, keys, cancellationToken);
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

    private static string BandParameter(int index) => string.Create(CultureInfo.InvariantCulture, $"$band{index}");

    private static string BandCandidatesSql(int bandCount)
    {
        var sql = new StringBuilder("SELECT e.seq, e.sample_id, e.shingles, NULL FROM dedup_entries e WHERE e.seq IN (SELECT b.seq FROM dedup_bands b WHERE b.scope = $scope AND b.band_key IN (");
        sql.AppendJoin(", ", Enumerable.Range(0, bandCount).Select(BandParameter));
        return sql.Append(")) ORDER BY e.seq;").ToString();
    }

    private static async Task<List<DedupStoredEntry>> ReadEntriesAsync(SqliteCommand command, string scope, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        command.Parameters["$scope"].Value = scope;
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

    private static async Task AddDedupEntryAsync(DedupCommands commands, DedupKeys keys, CancellationToken cancellationToken)
    {
        var entry = commands.AddEntry.Parameters;
        entry["$scope"].Value = keys.Scope;
        entry["$sample_id"].Value = keys.SampleId;
        entry["$shingles"].Value = string.Join(ShingleSeparator, keys.Shingles);
        entry["$embedding"].Value = keys.Embedding is null ? DBNull.Value : MemoryMarshal.AsBytes(keys.Embedding.AsSpan()).ToArray();
        var seq = (long)(await commands.AddEntry.ExecuteScalarAsync(cancellationToken))!;

        var hash = commands.AddHash.Parameters;
        hash["$scope"].Value = keys.Scope;
        hash["$hash"].Value = keys.ExactHash;
        hash["$sample_id"].Value = keys.SampleId;
        await commands.AddHash.ExecuteNonQueryAsync(cancellationToken);

        var band = commands.AddBand.Parameters;
        band["$scope"].Value = keys.Scope;
        band["$seq"].Value = seq;
        foreach (var key in keys.BandKeys)
        {
            band["$band_key"].Value = key;
            await commands.AddBand.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private sealed record PendingCheck(DedupKeys Keys, DedupLookupOptions Options, Func<DedupLookup, (object? Result, bool Record)> Decide);

    private sealed record CheckResult(object? Value, ExceptionDispatchInfo? Error);

    /// <summary>The statements of a batch, each prepared once and rebound per check.</summary>
    private sealed class DedupCommands(SqliteConnection connection, SqliteTransaction transaction) : IAsyncDisposable
    {
        private readonly Dictionary<int, SqliteCommand> _candidates = [];

        public SqliteCommand Own { get; } = Bound(connection, transaction,
            "SELECT seq, sample_id, shingles, NULL FROM dedup_entries WHERE scope = $scope AND sample_id = $sample_id;", "$scope", "$sample_id");

        public SqliteCommand Owner { get; } = Bound(connection, transaction,
            "SELECT sample_id FROM dedup_hashes WHERE scope = $scope AND hash = $hash;", "$scope", "$hash");

        public SqliteCommand Vectors { get; } = Bound(connection, transaction,
            "SELECT seq, sample_id, '', embedding FROM dedup_entries WHERE scope = $scope AND seq > $after AND embedding IS NOT NULL ORDER BY seq;", "$scope", "$after");

        public SqliteCommand AddEntry { get; } = Bound(connection, transaction,
            "INSERT INTO dedup_entries (scope, sample_id, shingles, embedding) VALUES ($scope, $sample_id, $shingles, $embedding) RETURNING seq;",
            "$scope", "$sample_id", "$shingles", "$embedding");

        public SqliteCommand AddHash { get; } = Bound(connection, transaction,
            "INSERT OR IGNORE INTO dedup_hashes (scope, hash, sample_id) VALUES ($scope, $hash, $sample_id);", "$scope", "$hash", "$sample_id");

        public SqliteCommand AddBand { get; } = Bound(connection, transaction,
            "INSERT OR IGNORE INTO dedup_bands (scope, band_key, seq) VALUES ($scope, $band_key, $seq);", "$scope", "$band_key", "$seq");

        public SqliteCommand Candidates(int bandCount)
        {
            if (!_candidates.TryGetValue(bandCount, out var command))
            {
                command = Bound(connection, transaction, BandCandidatesSql(bandCount), ["$scope", .. Enumerable.Range(0, bandCount).Select(BandParameter)]);
                _candidates[bandCount] = command;
            }

            return command;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in (SqliteCommand[])[Own, Owner, Vectors, AddEntry, AddHash, AddBand, .. _candidates.Values])
            {
                await command.DisposeAsync();
            }
        }

        private static SqliteCommand Bound(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
        {
            var command = Command(connection, transaction, sql);
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            return command;
        }
    }
}
