using System.Globalization;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

public sealed class SqliteReportStore(SqliteDatabase database) : IReportStore
{
    /// <summary>Created by <see cref="SqliteDatabase.InitializeAsync"/> with every other store's tables.</summary>
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS reports (
            job_id     TEXT PRIMARY KEY NOT NULL,
            created_at TEXT NOT NULL,
            document   TEXT NOT NULL
        );
        """;

    public async Task SaveReportAsync(StoredReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            INSERT INTO reports (job_id, created_at, document) VALUES ($job_id, $created_at, $document)
            ON CONFLICT (job_id) DO UPDATE SET created_at = excluded.created_at, document = excluded.document;
            """);
        command.Parameters.AddWithValue("$job_id", report.JobId);
        command.Parameters.AddWithValue("$created_at", report.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$document", report.Json);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredReport?> GetReportAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT created_at, document FROM reports WHERE job_id = $job_id;");
        command.Parameters.AddWithValue("$job_id", jobId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredReport(jobId, DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetString(1))
            : null;
    }
}
