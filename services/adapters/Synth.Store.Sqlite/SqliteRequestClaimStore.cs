using Microsoft.Data.Sqlite;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

public sealed class SqliteRequestClaimStore(SqliteDatabase database) : IRequestClaimStore
{
    /// <summary>Created by <see cref="SqliteDatabase.InitializeAsync"/> with every other store's tables.</summary>
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS generation_plans (
            job_id      TEXT NOT NULL PRIMARY KEY,
            planned     INTEGER NOT NULL,
            claimed_to  INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS request_claims (
            job_id      TEXT NOT NULL,
            first_index INTEGER NOT NULL,
            end_index   INTEGER NOT NULL,
            instance    TEXT NOT NULL,
            token       TEXT NOT NULL,
            expires_at  INTEGER NOT NULL,
            PRIMARY KEY (job_id, first_index)
        );
        """;

    public async Task<long> GetPlanAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await ReadPlanAsync(connection, null, jobId, cancellationToken)).Planned;
    }

    public async Task<long> PlanAtLeastAsync(string jobId, long requests, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            INSERT INTO generation_plans (job_id, planned, claimed_to) VALUES ($job, $planned, 0)
            ON CONFLICT (job_id) DO UPDATE SET planned = max(planned, excluded.planned)
            RETURNING planned
            """);
        command.Parameters.AddWithValue("$job", jobId);
        command.Parameters.AddWithValue("$planned", requests);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<bool> TryExtendPlanAsync(string jobId, long from, long to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = BeginWrite(connection);
        if ((await ReadPlanAsync(connection, transaction, jobId, cancellationToken)).Planned != from)
        {
            return false;
        }

        await using (var command = Command(connection, transaction, """
            INSERT INTO generation_plans (job_id, planned, claimed_to) VALUES ($job, $planned, 0)
            ON CONFLICT (job_id) DO UPDATE SET planned = excluded.planned
            """))
        {
            command.Parameters.AddWithValue("$job", jobId);
            command.Parameters.AddWithValue("$planned", to);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<RequestClaim?> TryClaimAsync(
        string jobId, string instance, int blockSize, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The write lock is taken before reading, so no other instance can claim between the read and the write.
        await using var transaction = BeginWrite(connection);
        var token = RequestClaims.NewToken();
        var claim = await TakeOverExpiredAsync(connection, transaction, jobId, instance, token, now, expiresAt, cancellationToken);
        if (claim is null)
        {
            var (planned, claimedTo) = await ReadPlanAsync(connection, transaction, jobId, cancellationToken);
            if (RequestClaims.NextBlock(planned, claimedTo, blockSize) is not var (start, end))
            {
                return null;
            }

            await using (var insert = Command(connection, transaction, """
                INSERT INTO request_claims (job_id, first_index, end_index, instance, token, expires_at) VALUES ($job, $start, $end, $instance, $token, $expires);
                UPDATE generation_plans SET claimed_to = $end WHERE job_id = $job;
                """))
            {
                insert.Parameters.AddWithValue("$job", jobId);
                insert.Parameters.AddWithValue("$start", start);
                insert.Parameters.AddWithValue("$end", end);
                insert.Parameters.AddWithValue("$instance", instance);
                insert.Parameters.AddWithValue("$token", token);
                insert.Parameters.AddWithValue("$expires", expiresAt.ToUnixTimeMilliseconds());
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            claim = new RequestClaim(jobId, start, end, token, expiresAt, TakenOver: false);
        }

        await transaction.CommitAsync(cancellationToken);
        return claim;
    }

    public async Task<bool> RenewAsync(RequestClaim claim, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = ClaimCommand(connection, claim, "UPDATE request_claims SET expires_at = $expires WHERE job_id = $job AND first_index = $start AND token = $token");
        command.Parameters.AddWithValue("$expires", expiresAt.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task CompleteAsync(RequestClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = ClaimCommand(connection, claim, "DELETE FROM request_claims WHERE job_id = $job AND first_index = $start AND token = $token");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ReleaseAsync(RequestClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = ClaimCommand(connection, claim, "UPDATE request_claims SET expires_at = 0 WHERE job_id = $job AND first_index = $start AND token = $token");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ReleaseInstanceAsync(string jobId, string instance, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "UPDATE request_claims SET expires_at = 0 WHERE job_id = $job AND instance = $instance");
        command.Parameters.AddWithValue("$job", jobId);
        command.Parameters.AddWithValue("$instance", instance);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ReleaseAllAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "UPDATE request_claims SET expires_at = 0 WHERE job_id = $job");
        command.Parameters.AddWithValue("$job", jobId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<RequestClaim?> TakeOverExpiredAsync(
        SqliteConnection connection, SqliteTransaction transaction, string jobId, string instance, string token,
        DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            UPDATE request_claims SET instance = $instance, token = $token, expires_at = $expires
            WHERE job_id = $job AND first_index = (SELECT first_index FROM request_claims WHERE job_id = $job AND expires_at <= $now ORDER BY first_index LIMIT 1)
            RETURNING first_index, end_index
            """);
        command.Parameters.AddWithValue("$job", jobId);
        command.Parameters.AddWithValue("$instance", instance);
        command.Parameters.AddWithValue("$token", token);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$expires", expiresAt.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RequestClaim(jobId, reader.GetInt64(0), reader.GetInt64(1), token, expiresAt, TakenOver: true)
            : null;
    }

    private static async Task<(long Planned, long ClaimedTo)> ReadPlanAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string jobId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT planned, claimed_to FROM generation_plans WHERE job_id = $job");
        command.Parameters.AddWithValue("$job", jobId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, 0);
    }

    private static SqliteCommand ClaimCommand(SqliteConnection connection, RequestClaim claim, string sql)
    {
        var command = Command(connection, null, sql);
        command.Parameters.AddWithValue("$job", claim.JobId);
        command.Parameters.AddWithValue("$start", claim.Start);
        command.Parameters.AddWithValue("$token", claim.Token);
        return command;
    }
}
