using Microsoft.Data.Sqlite;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

public sealed class SqliteSagaStore(SqliteDatabase database) : ISagaStore
{
    /// <summary>Created by <see cref="SqliteDatabase.InitializeAsync"/> with every other store's tables.</summary>
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS sagas (
            id       TEXT PRIMARY KEY NOT NULL,
            job_id   TEXT NOT NULL,
            state    TEXT NOT NULL,
            version  INTEGER NOT NULL,
            document TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_sagas_state ON sagas (state, id);
        """;

    public async Task<StoredSaga?> GetSagaAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT id, job_id, state, version, document FROM sagas WHERE id = $id;");
        command.Parameters.AddWithValue("$id", id.ToString("D"));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadSaga(reader) : null;
    }

    public async Task<bool> InsertSagaAsync(StoredSaga saga, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            INSERT INTO sagas (id, job_id, state, version, document) VALUES ($id, $job_id, $state, $version, $document)
            ON CONFLICT (id) DO NOTHING;
            """);
        AddSagaParameters(command, saga);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> UpdateSagaAsync(StoredSaga saga, int expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            UPDATE sagas SET job_id = $job_id, state = $state, version = $version, document = $document
            WHERE id = $id AND version = $expected;
            """);
        AddSagaParameters(command, saga);
        command.Parameters.AddWithValue("$expected", expectedVersion);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task DeleteSagaAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "DELETE FROM sagas WHERE id = $id;");
        command.Parameters.AddWithValue("$id", id.ToString("D"));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredSaga>> ListSagasAsync(IReadOnlyCollection<string> states, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(states);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT id, job_id, state, version, document FROM sagas WHERE state IN (SELECT value FROM json_each($states)) ORDER BY id;");
        command.Parameters.AddWithValue("$states", System.Text.Json.JsonSerializer.Serialize(states));
        var sagas = new List<StoredSaga>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sagas.Add(ReadSaga(reader));
        }

        return sagas;
    }

    private static void AddSagaParameters(SqliteCommand command, StoredSaga saga)
    {
        command.Parameters.AddWithValue("$id", saga.Id.ToString("D"));
        command.Parameters.AddWithValue("$job_id", saga.JobId);
        command.Parameters.AddWithValue("$state", saga.State);
        command.Parameters.AddWithValue("$version", saga.Version);
        command.Parameters.AddWithValue("$document", saga.Json);
    }

    private static StoredSaga ReadSaga(SqliteDataReader reader) =>
        new(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4));
}
