using System.Globalization;
using Microsoft.Data.Sqlite;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using static Synth.Store.Sqlite.SqliteDatabase;

namespace Synth.Store.Sqlite;

/// <summary>
/// The review queue on the samples table: a pending review is read from the document itself (json_extract, with
/// partial indexes over pending reviews), so every writer that saves a sample with a pending review queues it.
/// Leasing and completing run in a write transaction, so two processes never lease one task or lose an answer.
/// </summary>
public sealed class SqliteReviewStore(SqliteDatabase database) : IReviewStore
{
    private const string Pending = "json_extract(document, '$.review.status') = 'pending'";
    private const string Priority = "json_extract(document, '$.review.priority')";

    /// <summary>Created by <see cref="SqliteDatabase.InitializeAsync"/> with every other store's tables.</summary>
    internal const string Schema = $"""
        CREATE INDEX IF NOT EXISTS ix_samples_review_queue ON samples ({Priority} DESC, id) WHERE {Pending};
        CREATE INDEX IF NOT EXISTS ix_samples_job_review_queue ON samples (job_id, {Priority} DESC, id) WHERE {Pending};
        """;

    public async Task<ReviewLease?> LeaseNextReviewAsync(string? jobId, string reviewer, DateTimeOffset now, TimeSpan leaseFor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseFor, TimeSpan.Zero);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = BeginWrite(connection);
        SampleDocument? next = null;
        await using (var select = Command(connection, transaction, jobId is null
            ? $"SELECT document FROM samples WHERE {Pending} ORDER BY {Priority} DESC, id;"
            : $"SELECT document FROM samples WHERE job_id = $job_id AND {Pending} ORDER BY {Priority} DESC, id;"))
        {
            if (jobId is not null)
            {
                select.Parameters.AddWithValue("$job_id", jobId);
            }

            // Leased tasks sit at the top until they expire; only as many rows are read as there are live leases + 1.
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (next is null && await reader.ReadAsync(cancellationToken))
            {
                var sample = SampleJson.FromJson<SampleDocument>(reader.GetString(0));
                next = ReviewLeases.IsFree(sample.Review!, now) ? sample : null;
            }
        }

        if (next is null)
        {
            return null;
        }

        var lease = ReviewLeases.Take(next, reviewer, now, leaseFor);
        await ReplaceReadSampleAsync(connection, transaction, next, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return lease;
    }

    public async Task<ReviewCompletion> CompleteReviewAsync(string sampleId, string leaseToken, Action<SampleDocument> complete, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sampleId);
        ArgumentNullException.ThrowIfNull(leaseToken);
        ArgumentNullException.ThrowIfNull(complete);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = BeginWrite(connection);
        SampleDocument? sample;
        await using (var select = Command(connection, transaction, "SELECT document FROM samples WHERE id = $id;"))
        {
            select.Parameters.AddWithValue("$id", sampleId);
            sample = await select.ExecuteScalarAsync(cancellationToken) is string json ? SampleJson.FromJson<SampleDocument>(json) : null;
        }

        if (ReviewLeases.Refusal(sample, leaseToken) is { } refusal)
        {
            return new ReviewCompletion(refusal, sample);
        }

        var state = sample!.State;
        complete(sample);
        sample.State = state;
        await ReplaceReadSampleAsync(connection, transaction, sample, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ReviewCompletion(ReviewCompletionStatus.Completed, sample);
    }

    public async Task<ReviewProgress> GetReviewProgressAsync(string jobId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT json_extract(document, '$.review.status'), json_extract(document, '$.review.leaseExpiresAt')
            FROM samples WHERE job_id = $job_id AND json_extract(document, '$.review.status') IS NOT NULL;
            """);
        command.Parameters.AddWithValue("$job_id", jobId);
        long pending = 0, leased = 0, labelled = 0, rejected = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            switch (reader.GetString(0))
            {
                case "pending" when !reader.IsDBNull(1) && DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture) > now:
                    leased++;
                    break;
                case "pending":
                    pending++;
                    break;
                case "labelled":
                    labelled++;
                    break;
                case "rejected":
                    rejected++;
                    break;
            }
        }

        return new ReviewProgress(pending, leased, labelled, rejected);
    }

    /// <summary>
    /// Writes back a sample read in the same write transaction, as the next version (its state is unchanged): nobody
    /// can have written it between, so the version check cannot fail, and a stage that read it before sees the change.
    /// </summary>
    private static async Task ReplaceReadSampleAsync(SqliteConnection connection, SqliteTransaction transaction, SampleDocument sample, CancellationToken cancellationToken)
    {
        if (!await SqliteSampleStore.ReplaceSampleAsync(connection, transaction, sample, sample.Version, cancellationToken))
        {
            throw new InvalidOperationException($"Sample '{sample.Id}' changed inside a write transaction.");
        }
    }
}
