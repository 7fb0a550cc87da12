using Microsoft.Data.Sqlite;

namespace Synth.Store.Sqlite;

/// <summary>
/// The lookup keys of one scope's index entries (sample id, exact hash, band keys), mirrored in this process so a
/// check finds its candidates without a B-tree of band keys in the file: such a B-tree costs about one page write per
/// band key (20 per sample), which bound the store-backed index to about 1,000 documents/s. Inside the write
/// transaction <see cref="CatchUpAsync"/> adds the entries other processes (or store objects) wrote since, in sequence
/// order, so the mirror is complete whenever a check reads it. Memory: about 1.5 KB per entry (band keys as 64-bit
/// hashes; shingles and embeddings stay in the file).
/// </summary>
/// <remarks>Used only by one batch at a time (<see cref="GroupCommit{TItem, TResult}"/> runs one batch per store object).</remarks>
internal sealed class SqliteDedupKeyCache(string scope)
{
    private readonly Dictionary<string, long> _bySample = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);
    // Most band keys belong to one entry; arrays keep that case small.
    private readonly Dictionary<ulong, long[]> _bands = [];

    /// <summary>The sequence number of the last entry mirrored; every entry of the scope up to it is here.</summary>
    public long LastSequence { get; private set; }

    /// <summary>Reads the scope's entries written after <see cref="LastSequence"/>; call inside the write transaction.</summary>
    public async Task CatchUpAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = SqliteDatabase.Command(connection, transaction,
            "SELECT seq, sample_id, hash, band_keys FROM dedup_index WHERE scope = $scope AND seq > $after ORDER BY seq;");
        command.Parameters.AddWithValue("$scope", scope);
        command.Parameters.AddWithValue("$after", LastSequence);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var bandKeys = reader.GetString(3);
            Add(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), bandKeys.Length == 0 ? [] : bandKeys.Split(SqliteDedupBatch.Separator));
        }
    }

    /// <summary>Mirrors an entry; entries come in sequence order.</summary>
    public void Add(long sequence, string sampleId, string hash, IReadOnlyList<string> bandKeys)
    {
        _bySample[sampleId] = sequence;
        // The first entry with a hash claimed it.
        _owners.TryAdd(hash, sampleId);
        foreach (var key in bandKeys)
        {
            var band = BandHash(key);
            _bands[band] = _bands.TryGetValue(band, out var entries) ? [.. entries, sequence] : [sequence];
        }

        LastSequence = sequence;
    }

    public long? Entry(string sampleId) => _bySample.TryGetValue(sampleId, out var sequence) ? sequence : null;

    public string? Owner(string hash) => _owners.GetValueOrDefault(hash);

    /// <summary>
    /// The entries sharing a band key with <paramref name="bandKeys"/>. Keys are compared by a 64-bit hash: a collision
    /// (about 2·10^-11 per lookup at a million entries) would add a candidate, which the caller's exact-Jaccard check rejects.
    /// </summary>
    public IEnumerable<long> Candidates(IEnumerable<string> bandKeys) =>
        bandKeys.SelectMany(key => _bands.TryGetValue(BandHash(key), out var entries) ? entries : []).Distinct();

    /// <summary>FNV-1a over the key's UTF-16 code units: 64 bits wide, where <see cref="string.GetHashCode()"/> has 32.</summary>
    private static ulong BandHash(string key)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
