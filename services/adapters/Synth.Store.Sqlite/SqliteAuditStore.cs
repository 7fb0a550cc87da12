using Synth.Contracts.Audit;
using Synth.Contracts.Messaging;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

public sealed class SqliteAuditStore(SqliteDatabase database) : IAuditStore
{
    /// <summary>Created by <see cref="SqliteDatabase.InitializeAsync"/> with every other store's tables.</summary>
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS audit (
            id        TEXT PRIMARY KEY NOT NULL,
            job_id    TEXT NOT NULL,
            sample_id TEXT,
            actor     TEXT NOT NULL,
            action    TEXT NOT NULL,
            at        TEXT NOT NULL,
            document  TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS audit_by_job ON audit (job_id, at, id);
        CREATE INDEX IF NOT EXISTS audit_by_sample ON audit (sample_id, at, id) WHERE sample_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS audit_by_actor ON audit (actor, action, at, id);
        """;

    public async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await database.OpenAsync(cancellationToken);
        // Appending the same record again (a retried request) changes nothing.
        await using var command = Command(connection, null, """
            INSERT INTO audit (id, job_id, sample_id, actor, action, at, document) VALUES ($id, $job_id, $sample_id, $actor, $action, $at, $document)
            ON CONFLICT (id) DO NOTHING;
            """);
        command.Parameters.AddWithValue("$id", record.Id);
        command.Parameters.AddWithValue("$job_id", record.JobId);
        command.Parameters.AddWithValue("$sample_id", (object?)record.SampleId ?? DBNull.Value);
        command.Parameters.AddWithValue("$actor", record.Actor);
        command.Parameters.AddWithValue("$action", Name(record.Action));
        command.Parameters.AddWithValue("$at", Timestamp(record.At));
        command.Parameters.AddWithValue("$document", SampleJson.ToJson(record));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<IReadOnlyList<AuditRecord>> ForJobAsync(string jobId, CancellationToken cancellationToken) =>
        ReadAsync("SELECT document FROM audit WHERE job_id = $value ORDER BY at, id;", jobId, cancellationToken);

    public Task<IReadOnlyList<AuditRecord>> ForSampleAsync(string sampleId, CancellationToken cancellationToken) =>
        ReadAsync("SELECT document FROM audit WHERE sample_id = $value ORDER BY at, id;", sampleId, cancellationToken);

    public async Task<IReadOnlyList<string>> JobsSubmittedByAsync(string actor, CancellationToken cancellationToken)
    {
        var records = await ReadAsync($"SELECT document FROM audit WHERE actor = $value AND action = '{Name(AuditAction.Submit)}' ORDER BY at, id;",
            actor, cancellationToken);
        return records.Select(r => r.JobId).Distinct(StringComparer.Ordinal).ToList();
    }

    private async Task<IReadOnlyList<AuditRecord>> ReadAsync(string sql, string value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql);
        command.Parameters.AddWithValue("$value", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<AuditRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(SampleJson.FromJson<AuditRecord>(reader.GetString(0)));
        }

        return records;
    }
}
