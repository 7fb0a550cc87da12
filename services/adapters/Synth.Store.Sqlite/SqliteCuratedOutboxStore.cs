using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

/// <summary>
/// The curated outbox on the samples table: the pending token is read from the document (json_extract), with a partial
/// index over the few rows that have one, so the drainer's poll does not scan the table.
/// </summary>
public sealed class SqliteCuratedOutboxStore(SqliteDatabase database) : ICuratedOutboxStore
{
    private const string Token = "json_extract(document, '$.pendingCuratedPublish')";

    /// <summary>Created by <see cref="SqliteDatabase.InitializeAsync"/> with every other store's tables.</summary>
    internal const string Schema = $"CREATE INDEX IF NOT EXISTS ix_samples_curated_outbox ON samples (id) WHERE {Token} IS NOT NULL;";

    public async Task<IReadOnlyList<SampleDocument>> ReadPendingAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT document FROM samples WHERE {Token} IS NOT NULL ORDER BY id LIMIT $limit;");
        command.Parameters.AddWithValue("$limit", limit);
        var pending = new List<SampleDocument>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            pending.Add(SampleJson.FromJson<SampleDocument>(reader.GetString(0)));
        }

        return pending;
    }

    public async Task<bool> MarkSentAsync(string sampleId, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sampleId);
        ArgumentNullException.ThrowIfNull(token);
        await using var connection = await database.OpenAsync(cancellationToken);
        // Only the document changes, and not its version; the other columns are derived from fields left alone.
        await using var command = Command(connection, null,
            $"UPDATE samples SET document = json_remove(document, '$.pendingCuratedPublish') WHERE id = $id AND {Token} = $token;");
        command.Parameters.AddWithValue("$id", sampleId);
        command.Parameters.AddWithValue("$token", token);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
