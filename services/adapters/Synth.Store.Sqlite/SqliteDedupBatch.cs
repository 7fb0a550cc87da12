using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

/// <summary>
/// One scope's checks of a batch, inside the batch's write transaction. What the store holds for all their keys is
/// read up front with one query per kind (own entries, hash owners, band candidates, vectors); each check then sees
/// that plus what the checks before it recorded, exactly what it would see in a transaction of its own. An entry is
/// inserted when it is recorded (its sequence number is part of later lookups); the batch's hash claims and band keys
/// are written by one statement each at the end (<see cref="WriteAsync"/>).
/// </summary>
internal sealed class SqliteDedupBatch : IAsyncDisposable
{
    // Shingles are normal-form words joined by spaces, so a newline never occurs inside one.
    private const char ShingleSeparator = '\n';

    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly string _scope;
    private readonly Dictionary<string, DedupStoredEntry> _own = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<DedupStoredEntry>> _bands = new(StringComparer.Ordinal);
    private readonly List<DedupStoredEntry> _vectors = [];
    private readonly List<string[]> _newClaims = [];
    private readonly List<object[]> _newBands = [];
    private SqliteCommand? _addEntry;

    private SqliteDedupBatch(SqliteConnection connection, SqliteTransaction transaction, string scope)
    {
        _connection = connection;
        _transaction = transaction;
        _scope = scope;
    }

    /// <summary>Reads what the store holds for the keys of <paramref name="checks"/>, all of scope <paramref name="scope"/>.</summary>
    public static async Task<SqliteDedupBatch> ReadAsync(
        SqliteConnection connection, SqliteTransaction transaction, string scope, IReadOnlyList<(DedupKeys Keys, DedupLookupOptions Options)> checks, CancellationToken cancellationToken)
    {
        var batch = new SqliteDedupBatch(connection, transaction, scope);
        await batch.ReadEntriesAsync(
            "SELECT seq, sample_id, shingles FROM dedup_entries WHERE scope = $scope AND sample_id IN (SELECT value FROM json_each($values));",
            checks.Select(check => check.Keys.SampleId),
            (_, entry) => batch._own[entry.SampleId] = entry,
            cancellationToken);
        await batch.ReadOwnersAsync(checks.Select(check => check.Keys.ExactHash), cancellationToken);
        await batch.ReadEntriesAsync(
            """
            SELECT e.seq, e.sample_id, e.shingles, b.band_key FROM dedup_bands b JOIN dedup_entries e ON e.seq = b.seq
            WHERE b.scope = $scope AND b.band_key IN (SELECT value FROM json_each($values));
            """,
            checks.SelectMany(check => check.Keys.BandKeys),
            (reader, entry) => batch.BandEntries(reader.GetString(3)).Add(entry),
            cancellationToken);
        if (checks.Select(check => check.Options.VectorsAfterSequence).Min() is { } after)
        {
            await batch.ReadVectorsAsync(after, cancellationToken);
        }

        return batch;
    }

    /// <summary>
    /// What the store holds for <paramref name="keys"/> now: what was read, plus what this batch recorded before.
    /// Recorded entries have later sequence numbers than stored ones, so ordering by sequence is write order.
    /// </summary>
    public DedupLookup Lookup(DedupKeys keys, DedupLookupOptions options)
    {
        var candidates = keys.BandKeys
            .SelectMany(key => _bands.TryGetValue(key, out var entries) ? entries : [])
            .DistinctBy(entry => entry.Sequence)
            .OrderBy(entry => entry.Sequence)
            .ToList();
        var vectors = options.VectorsAfterSequence is not { } after ? [] : _vectors.Where(vector => vector.Sequence > after).ToList();
        return new DedupLookup(_own.GetValueOrDefault(keys.SampleId), _owners.GetValueOrDefault(keys.ExactHash), candidates, vectors);
    }

    /// <summary>Adds the sample to the index: its entry now, its hash claim (if unclaimed) and band keys with <see cref="WriteAsync"/>.</summary>
    public async Task RecordAsync(DedupKeys keys, CancellationToken cancellationToken)
    {
        if (_addEntry is null)
        {
            // Prepared once per batch, rebound per entry.
            _addEntry = ScopeCommand(
                "INSERT INTO dedup_entries (scope, sample_id, shingles, embedding) VALUES ($scope, $sample_id, $shingles, $embedding) RETURNING seq;", null);
            _addEntry.Parameters.Add(new SqliteParameter { ParameterName = "$sample_id" });
            _addEntry.Parameters.Add(new SqliteParameter { ParameterName = "$shingles" });
            _addEntry.Parameters.Add(new SqliteParameter { ParameterName = "$embedding" });
        }

        _addEntry.Parameters["$sample_id"].Value = keys.SampleId;
        _addEntry.Parameters["$shingles"].Value = string.Join(ShingleSeparator, keys.Shingles);
        _addEntry.Parameters["$embedding"].Value = keys.Embedding is null ? DBNull.Value : MemoryMarshal.AsBytes(keys.Embedding.AsSpan()).ToArray();
        var seq = (long)(await _addEntry.ExecuteScalarAsync(cancellationToken))!;

        var entry = new DedupStoredEntry(seq, keys.SampleId, keys.Shingles, null);
        _own[keys.SampleId] = entry;
        if (_owners.TryAdd(keys.ExactHash, keys.SampleId))
        {
            _newClaims.Add([keys.ExactHash, keys.SampleId]);
        }

        foreach (var key in keys.BandKeys.Distinct(StringComparer.Ordinal))
        {
            BandEntries(key).Add(entry);
            _newBands.Add([key, seq]);
        }

        if (keys.Embedding is not null)
        {
            _vectors.Add(new DedupStoredEntry(seq, keys.SampleId, [], keys.Embedding));
        }
    }

    /// <summary>Writes the hash claims and band keys the batch recorded, in the order recorded (the first claim of a hash wins).</summary>
    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        if (_newClaims.Count > 0)
        {
            await ExecuteAsync("""
                INSERT OR IGNORE INTO dedup_hashes (scope, hash, sample_id)
                SELECT $scope, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each($values);
                """, JsonSerializer.Serialize(_newClaims), cancellationToken);
        }

        if (_newBands.Count > 0)
        {
            await ExecuteAsync("""
                INSERT OR IGNORE INTO dedup_bands (scope, band_key, seq)
                SELECT $scope, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each($values);
                """, JsonSerializer.Serialize(_newBands), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_addEntry is not null)
        {
            await _addEntry.DisposeAsync();
        }
    }

    private List<DedupStoredEntry> BandEntries(string key)
    {
        if (!_bands.TryGetValue(key, out var entries))
        {
            entries = [];
            _bands[key] = entries;
        }

        return entries;
    }

    private async Task ReadEntriesAsync(string sql, IEnumerable<string> values, Action<SqliteDataReader, DedupStoredEntry> add, CancellationToken cancellationToken)
    {
        await using var command = ScopeCommand(sql, JsonSerializer.Serialize(values.Distinct(StringComparer.Ordinal)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        // A candidate sharing several band keys with the batch comes once per key: its shingles are split once.
        var read = new Dictionary<long, DedupStoredEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var seq = reader.GetInt64(0);
            if (!read.TryGetValue(seq, out var entry))
            {
                var shingles = reader.GetString(2);
                entry = new DedupStoredEntry(seq, reader.GetString(1), shingles.Length == 0 ? [] : shingles.Split(ShingleSeparator), null);
                read[seq] = entry;
            }

            add(reader, entry);
        }
    }

    private async Task ReadOwnersAsync(IEnumerable<string> hashes, CancellationToken cancellationToken)
    {
        await using var command = ScopeCommand(
            "SELECT hash, sample_id FROM dedup_hashes WHERE scope = $scope AND hash IN (SELECT value FROM json_each($values));",
            JsonSerializer.Serialize(hashes.Distinct(StringComparer.Ordinal)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _owners[reader.GetString(0)] = reader.GetString(1);
        }
    }

    private async Task ReadVectorsAsync(long after, CancellationToken cancellationToken)
    {
        await using var command = ScopeCommand(
            "SELECT seq, sample_id, embedding FROM dedup_entries WHERE scope = $scope AND seq > $after AND embedding IS NOT NULL ORDER BY seq;", null);
        command.Parameters.AddWithValue("$after", after);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _vectors.Add(new DedupStoredEntry(reader.GetInt64(0), reader.GetString(1), [], MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(2)).ToArray()));
        }
    }

    private async Task ExecuteAsync(string sql, string values, CancellationToken cancellationToken)
    {
        await using var command = ScopeCommand(sql, values);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <param name="values">A JSON array for the statement's <c>json_each($values)</c>; null when it has none.</param>
    private SqliteCommand ScopeCommand(string sql, string? values)
    {
        var command = Command(_connection, _transaction, sql);
        command.Parameters.AddWithValue("$scope", _scope);
        if (values is not null)
        {
            command.Parameters.AddWithValue("$values", values);
        }

        return command;
    }
}
