using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

public sealed class SqliteFailedRequestStore(SqliteDatabase database) : IFailedRequestStore
{
    public async Task<int> ReopenFailedRequestsAsync(string jobId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = BeginWrite(connection);
        var failed = new List<RequestRecord>();
        await using (var select = Command(connection, transaction, "SELECT document FROM requests WHERE job_id = $job AND status = $status"))
        {
            select.Parameters.AddWithValue("$job", jobId);
            select.Parameters.AddWithValue("$status", Name(RequestStatus.Failed));
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                failed.Add(SampleJson.FromJson<RequestRecord>(reader.GetString(0)));
            }
        }

        foreach (var request in failed)
        {
            var archived = FailedRequests.Archive(request, at);
            await using (var insert = Command(connection, transaction, SqliteSchema.UpsertFailure))
            {
                insert.Parameters.AddWithValue("$id", archived.Id);
                insert.Parameters.AddWithValue("$job_id", jobId);
                insert.Parameters.AddWithValue("$stage", Name(archived.Stage));
                insert.Parameters.AddWithValue("$at", Timestamp(archived.At));
                insert.Parameters.AddWithValue("$document", SampleJson.ToJson(archived));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var delete = Command(connection, transaction, "DELETE FROM requests WHERE id = $id");
            delete.Parameters.AddWithValue("$id", request.Id);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return failed.Count;
    }
}
