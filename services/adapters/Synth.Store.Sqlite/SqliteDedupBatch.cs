using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

/// <summary>
/// One scope's checks of a batch, inside the batch's write transaction. The scope's <see cref="SqliteDedupKeyCache"/>
/// (caught up first) names the stored entries the checks need, and those are read with one query; each check then
/// sees them plus what the checks before it recorded, exactly what it would see in a transaction of its own. An entry
/// is inserted when it is recorded, as one row appended to the index (its sequence number is part of later lookups).
/// </summary>
internal sealed class SqliteDedupBatch : IAsyncDisposable
{
    /// <summary>Joins shingles and band keys in a column: shingles are normal-form words joined by spaces, and band keys have no newline.</summary>
    public const char Separator = '\n';

    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly SqliteDedupKeyCache _keys;
    private readonly string _scope;
    // By sequence: the stored entries the checks name, read up front, and the entries the batch recorded.
    private readonly Dictionary<long, DedupStoredEntry> _entries = [];
    private readonly List<DedupStoredEntry> _vectors = [];
    private SqliteCommand? _addEntry;

    private SqliteDedupBatch(SqliteConnection connection, SqliteTransaction transaction, SqliteDedupKeyCache keys, string scope)
    {
        _connection = connection;
        _transaction = transaction;
        _keys = keys;
        _scope = scope;
    }

    /// <summary>Catches <paramref name="keys"/> up and reads the stored entries the keys of <paramref name="checks"/> name.</summary>
    public static async Task<SqliteDedupBatch> ReadAsync(
        SqliteConnection connection, SqliteTransaction transaction, SqliteDedupKeyCache keys, string scope,
        IReadOnlyList<(DedupKeys Keys, DedupLookupOptions Options)> checks, CancellationToken cancellationToken)
    {
        await keys.CatchUpAsync(connection, transaction, cancellationToken);
        var batch = new SqliteDedupBatch(connection, transaction, keys, scope);
        var needed = checks
            .SelectMany(check => keys.Candidates(check.Keys.BandKeys).Append(keys.Entry(check.Keys.SampleId) ?? 0))
            .Where(sequence => sequence > 0)
            .Distinct()
            .ToList();
        if (needed.Count > 0)
        {
            await batch.ReadEntriesAsync(needed, cancellationToken);
        }

        if (checks.Select(check => check.Options.VectorsAfterSequence).Min() is { } after)
        {
            await batch.ReadVectorsAsync(after, cancellationToken);
        }

        return batch;
    }

    /// <summary>
    /// What the store holds for <paramref name="keys"/> now: what was stored before the batch, plus what the batch
    /// recorded since (later sequence numbers, so ordering by sequence is write order).
    /// </summary>
    public DedupLookup Lookup(DedupKeys keys, DedupLookupOptions options)
    {
        var own = _keys.Entry(keys.SampleId) is { } sequence ? _entries[sequence] : null;
        var candidates = _keys.Candidates(keys.BandKeys).Order().Select(candidate => _entries[candidate]).ToList();
        var vectors = options.VectorsAfterSequence is not { } after ? [] : _vectors.Where(vector => vector.Sequence > after).ToList();
        return new DedupLookup(own, _keys.Owner(keys.ExactHash), candidates, vectors);
    }

    /// <summary>Adds the sample to the index.</summary>
    public async Task RecordAsync(DedupKeys keys, CancellationToken cancellationToken)
    {
        if (_addEntry is null)
        {
            // Prepared once per batch, rebound per entry.
            _addEntry = Command(_connection, _transaction, """
                INSERT INTO dedup_index (scope, sample_id, hash, band_keys, shingles, embedding)
                VALUES ($scope, $sample_id, $hash, $band_keys, $shingles, $embedding) RETURNING seq;
                """);
            foreach (var name in (string[])["$scope", "$sample_id", "$hash", "$band_keys", "$shingles", "$embedding"])
            {
                _addEntry.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
        }

        var parameters = _addEntry.Parameters;
        parameters["$scope"].Value = _scope;
        parameters["$sample_id"].Value = keys.SampleId;
        parameters["$hash"].Value = keys.ExactHash;
        parameters["$band_keys"].Value = string.Join(Separator, keys.BandKeys);
        parameters["$shingles"].Value = string.Join(Separator, keys.Shingles);
        parameters["$embedding"].Value = keys.Embedding is null ? DBNull.Value : MemoryMarshal.AsBytes(keys.Embedding.AsSpan()).ToArray();
        var sequence = (long)(await _addEntry.ExecuteScalarAsync(cancellationToken))!;

        _keys.Add(sequence, keys.SampleId, keys.ExactHash, keys.BandKeys);
        _entries[sequence] = new DedupStoredEntry(sequence, keys.SampleId, keys.Shingles, null);
        if (keys.Embedding is not null)
        {
            _vectors.Add(new DedupStoredEntry(sequence, keys.SampleId, [], keys.Embedding));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_addEntry is not null)
        {
            await _addEntry.DisposeAsync();
        }
    }

    private async Task ReadEntriesAsync(IReadOnlyList<long> sequences, CancellationToken cancellationToken)
    {
        await using var command = Command(_connection, _transaction,
            "SELECT seq, sample_id, shingles FROM dedup_index WHERE seq IN (SELECT value FROM json_each($sequences));");
        command.Parameters.AddWithValue("$sequences", JsonSerializer.Serialize(sequences));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var shingles = reader.GetString(2);
            var sequence = reader.GetInt64(0);
            _entries[sequence] = new DedupStoredEntry(sequence, reader.GetString(1), shingles.Length == 0 ? [] : shingles.Split(Separator), null);
        }
    }

    private async Task ReadVectorsAsync(long after, CancellationToken cancellationToken)
    {
        await using var command = Command(_connection, _transaction,
            "SELECT seq, sample_id, embedding FROM dedup_index WHERE scope = $scope AND seq > $after AND embedding IS NOT NULL ORDER BY seq;");
        command.Parameters.AddWithValue("$scope", _scope);
        command.Parameters.AddWithValue("$after", after);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _vectors.Add(new DedupStoredEntry(reader.GetInt64(0), reader.GetString(1), [], MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(2)).ToArray()));
        }
    }
}
