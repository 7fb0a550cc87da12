using System.Text.Json;
using Microsoft.Data.Sqlite;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

/// <summary>
/// The grown concept tree and the recorded request plans on SQLite. Claims and outcomes are written in BEGIN
/// IMMEDIATE transactions, which hold the file's write lock, so two store objects (two generator instances) never
/// both claim a node and the first outcome written is the one kept.
/// </summary>
public sealed class SqliteConceptTreeStore(SqliteDatabase database) : IConceptTreeStore
{
    /// <summary>Created by <see cref="SqliteDatabase.InitializeAsync"/> with every other store's tables.</summary>
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS concept_expansions (
            job_id       TEXT NOT NULL,
            node_path    TEXT NOT NULL,
            status       INTEGER NOT NULL,
            instance     TEXT NOT NULL,
            lease_until  INTEGER NOT NULL,
            document     TEXT NOT NULL,
            PRIMARY KEY (job_id, node_path)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS request_plans (
            job_id      TEXT NOT NULL,
            request_index INTEGER NOT NULL,
            conditions  TEXT NOT NULL,
            PRIMARY KEY (job_id, request_index)
        ) WITHOUT ROWID;
        """;

    private static readonly JsonSerializerOptions ConceptJson = new(JsonSerializerDefaults.Web);

    public async Task<ConceptExpansionRecord?> TryClaimExpansionAsync(
        string jobId, string nodePath, string instance, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = BeginWrite(connection);
        var stored = await ReadExpansionAsync(connection, transaction, jobId, nodePath, cancellationToken);
        // A pending claim whose lease ran out belongs to an instance that died mid-call, and one of the caller's own was
        // left by its previous run: either may be taken over.
        if (stored is { Record.Status: not ConceptExpansionStatus.Pending }
            || (stored is { } pending && pending.LeaseUntil >= now.ToUnixTimeMilliseconds() && pending.Record.Instance != instance))
        {
            return stored.Value.Record;
        }

        var claim = new ConceptExpansionRecord(jobId, nodePath, ConceptExpansionStatus.Pending, [], instance, At: now);
        await WriteExpansionAsync(connection, transaction, claim, leaseUntil.ToUnixTimeMilliseconds(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    public async Task<ConceptExpansionRecord> CompleteExpansionAsync(ConceptExpansionRecord outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Status == ConceptExpansionStatus.Pending)
        {
            throw new ArgumentException("an outcome is Expanded or Failed", nameof(outcome));
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = BeginWrite(connection);
        var stored = await ReadExpansionAsync(connection, transaction, outcome.JobId, outcome.NodePath, cancellationToken);
        if (stored is { Record.Status: not ConceptExpansionStatus.Pending } settled)
        {
            return settled.Record;
        }

        await WriteExpansionAsync(connection, transaction, outcome, 0, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return outcome;
    }

    public async Task ReleaseExpansionAsync(string jobId, string nodePath, string instance, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "DELETE FROM concept_expansions WHERE job_id = $job AND node_path = $path AND instance = $instance AND status = $pending");
        command.Parameters.AddWithValue("$job", jobId);
        command.Parameters.AddWithValue("$path", nodePath);
        command.Parameters.AddWithValue("$instance", instance);
        command.Parameters.AddWithValue("$pending", (int)ConceptExpansionStatus.Pending);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ConceptExpansionRecord>> GetExpansionsAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT document FROM concept_expansions WHERE job_id = $job AND status <> $pending");
        command.Parameters.AddWithValue("$job", jobId);
        command.Parameters.AddWithValue("$pending", (int)ConceptExpansionStatus.Pending);
        var records = new List<ConceptExpansionRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(JsonSerializer.Deserialize<ConceptExpansionRecord>(reader.GetString(0), ConceptJson)!);
        }

        return ConceptExpansionOrder.Sort(records);
    }

    public async Task<IReadOnlyDictionary<string, string>> RecordPlanAsync(
        string jobId, long requestIndex, IReadOnlyDictionary<string, string> conditions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        await using var connection = await database.OpenAsync(cancellationToken);
        // INSERT … DO NOTHING then SELECT in one statement: the row read is the first writer's.
        await using var command = Command(connection, null, """
            INSERT INTO request_plans (job_id, request_index, conditions) VALUES ($job, $index, $conditions)
            ON CONFLICT (job_id, request_index) DO UPDATE SET conditions = conditions
            RETURNING conditions;
            """);
        command.Parameters.AddWithValue("$job", jobId);
        command.Parameters.AddWithValue("$index", requestIndex);
        command.Parameters.AddWithValue("$conditions", JsonSerializer.Serialize(conditions, ConceptJson));
        var stored = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        return JsonSerializer.Deserialize<Dictionary<string, string>>(stored, ConceptJson)!;
    }

    public async Task<IReadOnlyDictionary<long, IReadOnlyDictionary<string, string>>> GetPlansAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT request_index, conditions FROM request_plans WHERE job_id = $job");
        command.Parameters.AddWithValue("$job", jobId);
        var plans = new Dictionary<long, IReadOnlyDictionary<string, string>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            plans[reader.GetInt64(0)] = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(1), ConceptJson)!;
        }

        return plans;
    }

    private static async Task<(ConceptExpansionRecord Record, long LeaseUntil)?> ReadExpansionAsync(
        SqliteConnection connection, SqliteTransaction transaction, string jobId, string nodePath, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT document, lease_until FROM concept_expansions WHERE job_id = $job AND node_path = $path");
        command.Parameters.AddWithValue("$job", jobId);
        command.Parameters.AddWithValue("$path", nodePath);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (JsonSerializer.Deserialize<ConceptExpansionRecord>(reader.GetString(0), ConceptJson)!, reader.GetInt64(1))
            : null;
    }

    private static async Task WriteExpansionAsync(
        SqliteConnection connection, SqliteTransaction transaction, ConceptExpansionRecord record, long leaseUntil, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            INSERT INTO concept_expansions (job_id, node_path, status, instance, lease_until, document)
            VALUES ($job, $path, $status, $instance, $lease, $document)
            ON CONFLICT (job_id, node_path) DO UPDATE SET status = excluded.status, instance = excluded.instance,
                lease_until = excluded.lease_until, document = excluded.document
            """);
        command.Parameters.AddWithValue("$job", record.JobId);
        command.Parameters.AddWithValue("$path", record.NodePath);
        command.Parameters.AddWithValue("$status", (int)record.Status);
        command.Parameters.AddWithValue("$instance", record.Instance);
        command.Parameters.AddWithValue("$lease", leaseUntil);
        command.Parameters.AddWithValue("$document", JsonSerializer.Serialize(record, ConceptJson));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
