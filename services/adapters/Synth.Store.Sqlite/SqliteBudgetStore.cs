using System.Globalization;
using Microsoft.Data.Sqlite;
using Synth.Contracts.Jobs;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

public sealed class SqliteBudgetStore(SqliteDatabase database) : IBudgetStore
{
    /// <summary>Created by <see cref="SqliteDatabase.InitializeAsync"/> with every other store's tables.</summary>
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS budget_spent (
            job_id    TEXT NOT NULL PRIMARY KEY,
            requests  INTEGER NOT NULL,
            tokens    INTEGER NOT NULL,
            cost      TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS budget_reservations (
            job_id    TEXT NOT NULL,
            call_id   TEXT NOT NULL,
            instance  TEXT NOT NULL,
            requests  INTEGER NOT NULL,
            tokens    INTEGER NOT NULL,
            cost      TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (job_id, call_id)
        );
        """;

    public async Task<BudgetReservation> TryReserveAsync(
        string jobId, string callId, string instance, BudgetTotals worstCase, BudgetSpec limits,
        DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The write lock is taken before reading, so no other instance can reserve between the check and the insert.
        await using var transaction = BeginWrite(connection);
        await using (var expired = Command(connection, transaction, "DELETE FROM budget_reservations WHERE job_id = $job AND expires_at < $now"))
        {
            expired.Parameters.AddWithValue("$job", jobId);
            expired.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            await expired.ExecuteNonQueryAsync(cancellationToken);
        }

        var (spent, reserved) = await ReadBudgetAsync(connection, transaction, jobId, cancellationToken);
        await using (var existing = Command(connection, transaction, "SELECT 1 FROM budget_reservations WHERE job_id = $job AND call_id = $call"))
        {
            existing.Parameters.AddWithValue("$job", jobId);
            existing.Parameters.AddWithValue("$call", callId);
            if (await existing.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return new BudgetReservation(true, spent, reserved);
            }
        }

        if ((spent + reserved + worstCase).FirstLimitPassed(limits) is { } limit)
        {
            return new BudgetReservation(false, spent, reserved, limit);
        }

        await using (var insert = Command(connection, transaction, """
            INSERT INTO budget_reservations (job_id, call_id, instance, requests, tokens, cost, expires_at)
            VALUES ($job, $call, $instance, $requests, $tokens, $cost, $expires_at)
            """))
        {
            insert.Parameters.AddWithValue("$expires_at", expiresAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$job", jobId);
            insert.Parameters.AddWithValue("$call", callId);
            insert.Parameters.AddWithValue("$instance", instance);
            AddTotals(insert, worstCase);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new BudgetReservation(true, spent, reserved + worstCase);
    }

    public async Task CommitAsync(string jobId, string callId, BudgetTotals actual, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = BeginWrite(connection);
        if (await DeleteReservationAsync(connection, transaction, jobId, callId, cancellationToken) == 0)
        {
            // Already committed (or released): counting it again would charge the job twice.
            return;
        }

        var (spent, _) = await ReadBudgetAsync(connection, transaction, jobId, cancellationToken);
        await using (var upsert = Command(connection, transaction, """
            INSERT INTO budget_spent (job_id, requests, tokens, cost) VALUES ($job, $requests, $tokens, $cost)
            ON CONFLICT (job_id) DO UPDATE SET requests = excluded.requests, tokens = excluded.tokens, cost = excluded.cost
            """))
        {
            upsert.Parameters.AddWithValue("$job", jobId);
            AddTotals(upsert, spent + actual);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task ReleaseAsync(string jobId, string callId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = BeginWrite(connection);
        await DeleteReservationAsync(connection, transaction, jobId, callId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task ReleaseInstanceAsync(string jobId, string instance, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "DELETE FROM budget_reservations WHERE job_id = $job AND instance = $instance");
        command.Parameters.AddWithValue("$job", jobId);
        command.Parameters.AddWithValue("$instance", instance);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<(BudgetTotals Spent, BudgetTotals Reserved)> GetBudgetAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReadBudgetAsync(connection, null, jobId, cancellationToken);
    }

    private static async Task<(BudgetTotals Spent, BudgetTotals Reserved)> ReadBudgetAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string jobId, CancellationToken cancellationToken)
    {
        var spent = default(BudgetTotals);
        await using (var command = Command(connection, transaction, "SELECT requests, tokens, cost FROM budget_spent WHERE job_id = $job"))
        {
            command.Parameters.AddWithValue("$job", jobId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                spent = new BudgetTotals(reader.GetInt64(0), reader.GetInt64(1), decimal.Parse(reader.GetString(2), CultureInfo.InvariantCulture));
            }
        }

        var reserved = default(BudgetTotals);
        // Cost is summed in C#: SQLite would sum the decimal text as a double and lose cents.
        await using (var command = Command(connection, transaction, "SELECT requests, tokens, cost FROM budget_reservations WHERE job_id = $job"))
        {
            command.Parameters.AddWithValue("$job", jobId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                reserved += new BudgetTotals(reader.GetInt64(0), reader.GetInt64(1), decimal.Parse(reader.GetString(2), CultureInfo.InvariantCulture));
            }
        }

        return (spent, reserved);
    }

    private static async Task<int> DeleteReservationAsync(
        SqliteConnection connection, SqliteTransaction transaction, string jobId, string callId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "DELETE FROM budget_reservations WHERE job_id = $job AND call_id = $call");
        command.Parameters.AddWithValue("$job", jobId);
        command.Parameters.AddWithValue("$call", callId);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddTotals(SqliteCommand command, BudgetTotals totals)
    {
        command.Parameters.AddWithValue("$requests", totals.Requests);
        command.Parameters.AddWithValue("$tokens", totals.Tokens);
        command.Parameters.AddWithValue("$cost", totals.CostUsd.ToString(CultureInfo.InvariantCulture));
    }
}
