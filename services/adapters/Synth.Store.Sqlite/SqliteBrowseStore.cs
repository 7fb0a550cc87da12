using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

/// <summary>
/// Job listing and the sample browser. Reject-reason and text filters read the JSON document (json_extract), so they
/// scan the job's samples; the job, state and label filters use the existing indexes.
/// </summary>
public sealed class SqliteBrowseStore(SqliteDatabase database) : IBrowseStore
{
    /// <summary>Every content field of <see cref="SampleText.Of"/>, joined, lower-cased (ASCII) for a contains test.</summary>
    private const string ContentText = """
        lower(
            coalesce(json_extract(document, '$.content.text'), '') || char(10) ||
            coalesce(json_extract(document, '$.content.instruction'), '') || char(10) ||
            coalesce(json_extract(document, '$.content.input'), '') || char(10) ||
            coalesce(json_extract(document, '$.content.context'), '') || char(10) ||
            coalesce(json_extract(document, '$.content.question'), '') || char(10) ||
            coalesce(json_extract(document, '$.content.rationale'), '') || char(10) ||
            coalesce(json_extract(document, '$.content.answer'), '') || char(10) ||
            coalesce(json_extract(document, '$.content.response'), '') || char(10) ||
            coalesce((SELECT group_concat(json_extract(turn.value, '$.text'), char(10)) FROM json_each(document, '$.content.turns') AS turn), ''))
        """;

    private const string RejectedFor = """
        EXISTS (SELECT 1 FROM json_each(document, '$.decisions') AS decision
                WHERE json_extract(decision.value, '$.outcome') = 'rejected'
                  AND instr(lower(coalesce(json_extract(decision.value, '$.reason'), '')), lower($reject_reason)) > 0)
        """;

    public async Task<Page<JobDocument>> ListJobsAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, afterId is null
            ? "SELECT id, document FROM jobs ORDER BY id LIMIT $limit;"
            : "SELECT id, document FROM jobs WHERE id > $after_id ORDER BY id LIMIT $limit;");
        if (afterId is not null)
        {
            command.Parameters.AddWithValue("$after_id", afterId);
        }
        command.Parameters.AddWithValue("$limit", limit + 1L);
        return await ReadPageAsync<JobDocument>(command, limit, cancellationToken);
    }

    public async Task<Page<SampleDocument>> BrowseSamplesAsync(SampleBrowseQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var states = query.States();
        if (states is { Count: 0 })
        {
            return new Page<SampleDocument>([], null);
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // No states means every state here (an empty set returned no page above).
        var sql = SqliteSampleStore.SamplesOfJob(command, query.JobId, states ?? [], query.Label);
        if (query.StageOrdinal() is { } ordinal)
        {
            sql.Append(" AND stage_ordinal = $stage_ordinal");
            command.Parameters.AddWithValue("$stage_ordinal", ordinal);
        }
        if (query.RejectReason is not null)
        {
            sql.Append(" AND ").Append(RejectedFor);
            command.Parameters.AddWithValue("$reject_reason", query.RejectReason);
        }
        if (query.Text is not null)
        {
            sql.Append(" AND instr(").Append(ContentText).Append(", lower($text)) > 0");
            command.Parameters.AddWithValue("$text", query.Text);
        }
        return await SqliteSampleStore.ReadSamplePageAsync(command, sql, query.AfterId, query.Limit, cancellationToken);
    }
}
