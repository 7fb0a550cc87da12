using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

/// <summary>
/// <see cref="ISampleStore"/> on the shared SQLite file (<see cref="SqliteDatabase"/>): jobs, samples, request
/// records and failures.
/// </summary>
public sealed class SqliteSampleStore(SqliteDatabase database) : ISampleStore
{
    /// <summary>The absolute path of the shared database file.</summary>
    public string DatabasePath => database.DatabasePath;

    /// <summary>Creates the tables of every store of this adapter, since they share one file (<see cref="SqliteDatabase.InitializeAsync"/>).</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => database.InitializeAsync(cancellationToken);

    public async Task UpsertJobAsync(JobDocument job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, SqliteSchema.UpsertJob);
        command.Parameters.AddWithValue("$id", job.Id);
        command.Parameters.AddWithValue("$state", Name(job.State));
        command.Parameters.AddWithValue("$updated_at", Timestamp(job.UpdatedAt));
        command.Parameters.AddWithValue("$document", SampleJson.ToJson(job));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<JobDocument?> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        GetDocumentAsync<JobDocument>("SELECT document FROM jobs WHERE id = $id;", jobId, cancellationToken);

    public async Task<bool> SaveSampleAsync(SampleDocument sample, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SampleUpsertCommand(connection, null);
        return await SaveSampleAsync(command, sample, cancellationToken);
    }

    public async Task<bool> TryReplaceSampleAsync(SampleDocument sample, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReplaceSampleAsync(connection, null, sample, expectedVersion, cancellationToken);
    }

    /// <summary>One write transaction for the whole batch: the file's write lock is taken once, not per sample.</summary>
    public async Task<IReadOnlyList<bool>> TryReplaceSamplesAsync(IReadOnlyList<SampleReplacement> replacements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        var written = new bool[replacements.Count];
        if (replacements.Count == 0)
        {
            return written;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = BeginWrite(connection);
        for (var i = 0; i < replacements.Count; i++)
        {
            written[i] = await ReplaceSampleAsync(connection, transaction, replacements[i].Sample, replacements[i].ExpectedVersion, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    public Task SaveRequestAsync(RequestRecord request, IReadOnlyList<SampleDocument> samples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(samples);
        return SaveRequestsAsync([new RequestWrite(request, samples)], cancellationToken);
    }

    /// <summary>One write transaction for all the requests: the file's write lock is taken once, not per request.</summary>
    public async Task SaveRequestsAsync(IReadOnlyList<RequestWrite> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = BeginWrite(connection);
        await using (var sampleCommand = SampleUpsertCommand(connection, transaction))
        {
            foreach (var sample in requests.SelectMany(r => r.Samples))
            {
                await SaveSampleAsync(sampleCommand, sample, cancellationToken);
            }
        }
        // One statement for the batch's ledger records, as for its samples: prepared once, bound per request.
        await using (var command = Command(connection, transaction, SqliteSchema.UpsertRequest))
        {
            foreach (var request in requests.Select(r => r.Request))
            {
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$id", request.Id);
                command.Parameters.AddWithValue("$job_id", request.JobId);
                command.Parameters.AddWithValue("$request_index", request.Index);
                command.Parameters.AddWithValue("$status", Name(request.Status));
                command.Parameters.AddWithValue("$at", Timestamp(request.At));
                command.Parameters.AddWithValue("$document", SampleJson.ToJson(request));
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public Task<SampleDocument?> GetSampleAsync(string sampleId, CancellationToken cancellationToken) =>
        GetDocumentAsync<SampleDocument>("SELECT document FROM samples WHERE id = $id;", sampleId, cancellationToken);

    public async Task<IReadOnlyList<SampleDocument?>> GetSamplesAsync(IReadOnlyList<string> sampleIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sampleIds);
        var found = new Dictionary<string, string>(sampleIds.Count, StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(cancellationToken);
        // Chunks stay far below SQLite's limit on bound parameters.
        foreach (var chunk in sampleIds.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            await using var command = Command(connection, null, string.Concat(
                "SELECT id, document FROM samples WHERE id IN (",
                string.Join(", ", chunk.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"$id{i}"))),
                ");"));
            for (var i = 0; i < chunk.Length; i++)
            {
                command.Parameters.AddWithValue(string.Create(CultureInfo.InvariantCulture, $"$id{i}"), chunk[i]);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found[reader.GetString(0)] = reader.GetString(1);
            }
        }

        // Parsed per position: a caller may change its copy in place, so an id asked twice gets two copies.
        return [.. sampleIds.Select(id => found.TryGetValue(id, out var json) ? SampleJson.FromJson<SampleDocument>(json) : null)];
    }

    public Task<RequestRecord?> GetRequestAsync(string requestId, CancellationToken cancellationToken) =>
        GetDocumentAsync<RequestRecord>("SELECT document FROM requests WHERE id = $id;", requestId, cancellationToken);

    public Task<IReadOnlySet<long>> GetRecordedRequestIndexesAsync(string jobId, CancellationToken cancellationToken) =>
        GetRecordedRequestIndexesAsync(jobId, long.MinValue, long.MaxValue, cancellationToken);

    /// <remarks>Served by the unique (job_id, request_index) index.</remarks>
    public async Task<IReadOnlySet<long>> GetRecordedRequestIndexesAsync(string jobId, long from, long to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT request_index FROM requests WHERE job_id = $job_id AND request_index >= $from AND request_index < $to;");
        command.Parameters.AddWithValue("$job_id", jobId);
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$to", to);
        var indexes = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            indexes.Add(reader.GetInt64(0));
        }
        return indexes;
    }

    public async Task<Page<SampleDocument>> QuerySamplesAsync(SampleQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = SamplesOfJob(command, query.JobId, query.States.Distinct().ToList(), query.Label);
        return await ReadSamplePageAsync(command, sql, query.AfterId, query.Limit, cancellationToken);
    }

    public async Task<JobCounts> CountAsync(string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        await using var connection = await database.OpenAsync(cancellationToken);
        // A read transaction makes the three counts one consistent snapshot.
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using var command = Command(connection, transaction, SqliteSchema.Counts);
        command.Parameters.AddWithValue("$job_id", jobId);
        // A rejected sample at the evaluator's depth was rejected by the evaluator (SampleStates.StageOrdinal).
        command.Parameters.AddWithValue("$evaluated_ordinal", SampleState.Evaluated.Ordinal());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);

        var samples = new Dictionary<SampleState, long>();
        long rejectedByEvaluator = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var state = Parse<SampleState>(reader.GetString(0));
            samples[state] = reader.GetInt64(1);
            if (state == SampleState.Rejected)
            {
                rejectedByEvaluator = reader.GetInt64(2);
            }
        }
        await reader.NextResultAsync(cancellationToken);
        var requests = new Dictionary<RequestStatus, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            requests[Parse<RequestStatus>(reader.GetString(0))] = reader.GetInt64(1);
        }
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var failures = reader.GetInt64(0);

        return new JobCounts
        {
            Samples = samples,
            RejectedByEvaluator = rejectedByEvaluator,
            RequestsSucceeded = requests.GetValueOrDefault(RequestStatus.Succeeded),
            RequestsFailed = requests.GetValueOrDefault(RequestStatus.Failed),
            Failures = failures,
        };
    }

    public async Task SaveFailureAsync(FailureDocument failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, SqliteSchema.UpsertFailure);
        command.Parameters.AddWithValue("$id", failure.Id);
        command.Parameters.AddWithValue("$job_id", (object?)failure.JobId ?? DBNull.Value);
        command.Parameters.AddWithValue("$stage", Name(failure.Stage));
        command.Parameters.AddWithValue("$at", Timestamp(failure.At));
        command.Parameters.AddWithValue("$document", SampleJson.ToJson(failure));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Page<FailureDocument>> QueryFailuresAsync(string jobId, string? afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, afterId is null
            ? "SELECT id, document FROM failures WHERE job_id = $job_id ORDER BY id LIMIT $limit;"
            : "SELECT id, document FROM failures WHERE job_id = $job_id AND id > $after_id ORDER BY id LIMIT $limit;");
        command.Parameters.AddWithValue("$job_id", jobId);
        if (afterId is not null)
        {
            command.Parameters.AddWithValue("$after_id", afterId);
        }
        command.Parameters.AddWithValue("$limit", limit + 1L);
        return await ReadPageAsync<FailureDocument>(command, limit, cancellationToken);
    }

    /// <summary>
    /// Starts the query of a job's samples (id, document) in <paramref name="states"/> (all when empty) with
    /// <paramref name="label"/> (any when null), binding its parameters on <paramref name="command"/>.
    /// </summary>
    internal static StringBuilder SamplesOfJob(SqliteCommand command, string jobId, IReadOnlyList<SampleState> states, string? label)
    {
        var sql = new StringBuilder("SELECT id, document FROM samples WHERE job_id = $job_id");
        command.Parameters.AddWithValue("$job_id", jobId);
        if (states.Count > 0)
        {
            var names = states.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"$state{i}")).ToList();
            sql.Append(" AND state IN (").AppendJoin(", ", names).Append(')');
            for (var i = 0; i < states.Count; i++)
            {
                command.Parameters.AddWithValue(names[i], Name(states[i]));
            }
        }
        if (label is not null)
        {
            sql.Append(" AND label = $label");
            command.Parameters.AddWithValue("$label", label);
        }
        return sql;
    }

    /// <summary>Ends a query from <see cref="SamplesOfJob"/> with keyset paging after <paramref name="afterId"/>, and reads the page.</summary>
    internal static async Task<Page<SampleDocument>> ReadSamplePageAsync(
        SqliteCommand command, StringBuilder sql, string? afterId, int limit, CancellationToken cancellationToken)
    {
        if (afterId is not null)
        {
            sql.Append(" AND id > $after_id");
            command.Parameters.AddWithValue("$after_id", afterId);
        }
        sql.Append(" ORDER BY id LIMIT $limit;");
        command.Parameters.AddWithValue("$limit", limit + 1L);
        command.CommandText = sql.ToString();
        return await ReadPageAsync<SampleDocument>(command, limit, cancellationToken);
    }

    private static SqliteCommand SampleUpsertCommand(SqliteConnection connection, SqliteTransaction? transaction)
    {
        var command = Command(connection, transaction, SqliteSchema.UpsertSample);
        foreach (var name in (string[])["$id", "$job_id", "$state", "$stage_ordinal", "$label", "$updated_at", "$document"])
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return command;
    }

    private static async Task<bool> SaveSampleAsync(SqliteCommand command, SampleDocument sample, CancellationToken cancellationToken)
    {
        var parameters = command.Parameters;
        parameters["$id"].Value = sample.Id;
        parameters["$job_id"].Value = sample.JobId;
        parameters["$state"].Value = Name(sample.State);
        parameters["$stage_ordinal"].Value = sample.StageOrdinal();
        parameters["$label"].Value = (object?)sample.Content.Label ?? DBNull.Value;
        parameters["$updated_at"].Value = Timestamp(sample.UpdatedAt);
        parameters["$document"].Value = SampleJson.ToJson(sample);
        if (await command.ExecuteScalarAsync(cancellationToken) is not long version)
        {
            return false;
        }

        sample.Version = version;
        return true;
    }

    /// <summary>Writes <paramref name="sample"/> as version <paramref name="expectedVersion"/> + 1 if the stored one is still <paramref name="expectedVersion"/>.</summary>
    internal static async Task<bool> ReplaceSampleAsync(
        SqliteConnection connection, SqliteTransaction? transaction, SampleDocument sample, long expectedVersion, CancellationToken cancellationToken)
    {
        var read = sample.Version;
        sample.Version = expectedVersion + 1;
        await using var command = Command(connection, transaction, SqliteSchema.ReplaceSampleIfVersion);
        command.Parameters.AddWithValue("$id", sample.Id);
        command.Parameters.AddWithValue("$expected_version", expectedVersion);
        command.Parameters.AddWithValue("$state", Name(sample.State));
        command.Parameters.AddWithValue("$stage_ordinal", sample.StageOrdinal());
        command.Parameters.AddWithValue("$label", (object?)sample.Content.Label ?? DBNull.Value);
        command.Parameters.AddWithValue("$updated_at", Timestamp(sample.UpdatedAt));
        command.Parameters.AddWithValue("$document", SampleJson.ToJson(sample));
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            return true;
        }

        sample.Version = read;
        return false;
    }

    private async Task<T?> GetDocumentAsync<T>(string sql, string id, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql);
        command.Parameters.AddWithValue("$id", id);
        var json = await command.ExecuteScalarAsync(cancellationToken) as string;
        return json is null ? null : SampleJson.FromJson<T>(json);
    }
}
