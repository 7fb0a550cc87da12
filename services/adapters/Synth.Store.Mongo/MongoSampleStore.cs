using MongoDB.Bson;
using MongoDB.Driver;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Store.Mongo;

/// <summary>
/// <see cref="ISampleStore"/> on the shared MongoDB database (<see cref="MongoDatabaseContext"/>): jobs, samples,
/// request records and failures. Every write is an idempotent upsert by a deterministic <c>_id</c>; samples are
/// upserted monotonically (a stored copy at a later stage is kept).
/// </summary>
public sealed class MongoSampleStore(MongoDatabaseContext context) : ISampleStore
{
    private const int MaxDuplicateKeyRetries = 3;

    private static readonly FindOneAndUpdateOptions<BsonDocument, BsonDocument> VersionedUpsert = new()
    {
        IsUpsert = true,
        ReturnDocument = ReturnDocument.After,
        Projection = MongoQueries.VersionProjection,
    };

    /// <summary>Creates the indexes of every store of this adapter, since they share one database (<see cref="MongoDatabaseContext.InitializeAsync"/>).</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => context.InitializeAsync(cancellationToken);

    public Task UpsertJobAsync(JobDocument job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return context.Jobs.ReplaceOneAsync(x => x.Id == job.Id, job, MongoQueries.Upsert, cancellationToken);
    }

    public async Task<JobDocument?> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        await context.Jobs.Find(x => x.Id == jobId).FirstOrDefaultAsync(cancellationToken);

    public async Task<bool> SaveSampleAsync(SampleDocument sample, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var ordinal = sample.StageOrdinal();
        var update = MongoQueries.VersionedReplace(MongoDocuments.ToStoredSample(sample));
        while (true)
        {
            try
            {
                var written = await context.StoredSamples.FindOneAndUpdateAsync(
                    MongoQueries.MonotonicUpsertFilter(sample.Id, ordinal), update, VersionedUpsert, cancellationToken);
                sample.Version = written[MongoDocuments.Version].ToInt64();
                return true;
            }
            catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
            {
                // Either the stored copy is further along (keep it), or a concurrent first insert of the same id won
                // the race while the filter was evaluated: then the filter matches now, so try again.
                if (await StoredOrdinalAsync(null, sample.Id, cancellationToken) > ordinal)
                {
                    return false;
                }
            }
        }
    }

    public async Task<bool> TryReplaceSampleAsync(SampleDocument sample, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var read = sample.Version;
        sample.Version = expectedVersion + 1;
        var result = await context.StoredSamples.ReplaceOneAsync(
            MongoQueries.VersionIs(sample.Id, expectedVersion), MongoDocuments.ToStoredSample(sample), cancellationToken: cancellationToken);
        if (result.MatchedCount == 1)
        {
            return true;
        }

        sample.Version = read;
        return false;
    }

    /// <summary>
    /// One unordered bulk write of upserting replaces, each filtered on its sample's id and expected version. The
    /// result's matched count is per batch, so it cannot say which replacement failed, and neither can reading the
    /// versions afterwards (a concurrent writer that read the same version stores the same next version). The upsert
    /// can: a replacement whose version no longer holds finds no document and tries to insert one with the stored
    /// sample's id, which fails with a duplicate-key error naming its index. A replacement of a sample not stored at
    /// all is inserted instead (the result's upserts name its index): it counts as failed, and that document is deleted
    /// again at once (the stages replace only samples they read, so only a caller's mistake gets here). A sample named
    /// twice is written in rounds, one bulk write per round, so the replacements apply in order.
    /// </summary>
    public async Task<IReadOnlyList<bool>> TryReplaceSamplesAsync(IReadOnlyList<SampleReplacement> replacements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        var written = new bool[replacements.Count];
        // Round n holds the n-th replacement of each sample.
        var rounds = new List<List<int>>();
        var named = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < replacements.Count; i++)
        {
            var round = named.GetValueOrDefault(replacements[i].Sample.Id);
            named[replacements[i].Sample.Id] = round + 1;
            if (round == rounds.Count)
            {
                rounds.Add([]);
            }

            rounds[round].Add(i);
        }

        foreach (var round in rounds)
        {
            var roundWritten = await ReplaceRoundAsync([.. round.Select(i => replacements[i])], cancellationToken);
            for (var k = 0; k < round.Count; k++)
            {
                written[round[k]] = roundWritten[k];
            }
        }

        return written;
    }

    /// <summary>Replacements of distinct samples as one bulk write (see <see cref="TryReplaceSamplesAsync"/>).</summary>
    private async Task<bool[]> ReplaceRoundAsync(IReadOnlyList<SampleReplacement> round, CancellationToken cancellationToken)
    {
        var read = round.Select(r => r.Sample.Version).ToList();
        var models = round.Select(r =>
        {
            r.Sample.Version = r.ExpectedVersion + 1;
            return new ReplaceOneModel<BsonDocument>(MongoQueries.VersionIs(r.Sample.Id, r.ExpectedVersion), MongoDocuments.ToStoredSample(r.Sample)) { IsUpsert = true };
        }).ToList();

        BulkWriteResult<BsonDocument> result;
        IReadOnlyList<BulkWriteError> conflicts = [];
        try
        {
            result = await context.StoredSamples.BulkWriteAsync(models, new BulkWriteOptions { IsOrdered = false }, cancellationToken);
        }
        catch (MongoBulkWriteException<BsonDocument> e) when (e.WriteConcernError is null && e.WriteErrors.All(error => error.Category == ServerErrorCategory.DuplicateKey))
        {
            result = e.Result;
            conflicts = e.WriteErrors;
        }

        var failed = conflicts.Select(error => error.Index).Concat(result.Upserts.Select(upsert => upsert.Index)).ToHashSet();
        var written = new bool[round.Count];
        for (var k = 0; k < round.Count; k++)
        {
            written[k] = !failed.Contains(k);
            if (!written[k])
            {
                round[k].Sample.Version = read[k];
            }
        }

        if (result.Upserts.Count > 0)
        {
            await context.StoredSamples.DeleteManyAsync(
                Builders<BsonDocument>.Filter.Or(result.Upserts.Select(upsert => MongoQueries.VersionIs(round[upsert.Index].Sample.Id, round[upsert.Index].ExpectedVersion + 1))),
                cancellationToken);
        }

        return written;
    }

    /// <summary>
    /// With transactions (replica set, sharded, load-balanced): samples and ledger record commit together.
    /// Without (a standalone server): samples first, then the record, each an idempotent upsert. A crash between
    /// them leaves samples without a record, so the request counts as not done and is sent again; its samples get
    /// the same deterministic ids and are upserted over themselves (never moved back), and then the record is
    /// written. The reverse order could leave a record naming samples that were never stored, which no rerun repairs.
    /// </summary>
    public async Task SaveRequestAsync(RequestRecord request, IReadOnlyList<SampleDocument> samples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(samples);
        if (!await context.SupportsTransactionsAsync(cancellationToken))
        {
            foreach (var sample in samples)
            {
                await SaveSampleAsync(sample, cancellationToken);
            }
            await context.Requests.ReplaceOneAsync(x => x.Id == request.Id, request, MongoQueries.Upsert, cancellationToken);
            return;
        }

        using var session = await context.Database.Client.StartSessionAsync(cancellationToken: cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // WithTransactionAsync retries the callback on transient errors (a write conflict with a concurrent
                // writer of the same sample), so the callback must be repeatable: it is, every write is an upsert.
                await session.WithTransactionAsync(
                    async (handle, token) =>
                    {
                        foreach (var sample in samples)
                        {
                            await SaveSampleInTransactionAsync(handle, sample, token);
                        }
                        await context.Requests.ReplaceOneAsync(handle, x => x.Id == request.Id, request, MongoQueries.Upsert, token);
                        return true;
                    },
                    cancellationToken: cancellationToken);
                return;
            }
            catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey && attempt < MaxDuplicateKeyRetries)
            {
                // A sample first inserted by a concurrent writer after this transaction's snapshot: the transaction
                // was aborted as a whole; a new one sees that copy and applies the monotonic rule to it.
            }
        }
    }

    public async Task<SampleDocument?> GetSampleAsync(string sampleId, CancellationToken cancellationToken) =>
        await context.Samples.Find(x => x.Id == sampleId).FirstOrDefaultAsync(cancellationToken);

    public async Task<IReadOnlyList<SampleDocument?>> GetSamplesAsync(IReadOnlyList<string> sampleIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sampleIds);
        var found = (await context.Samples.Find(Builders<SampleDocument>.Filter.In(x => x.Id, sampleIds.Distinct(StringComparer.Ordinal)))
            .ToListAsync(cancellationToken)).ToDictionary(x => x.Id, StringComparer.Ordinal);
        // A caller may change its copy in place, so an id asked twice gets the stored copy once and a fresh read after.
        var handedOut = new HashSet<string>(StringComparer.Ordinal);
        var samples = new SampleDocument?[sampleIds.Count];
        for (var i = 0; i < sampleIds.Count; i++)
        {
            samples[i] = !found.TryGetValue(sampleIds[i], out var sample) ? null
                : handedOut.Add(sampleIds[i]) ? sample
                : await GetSampleAsync(sampleIds[i], cancellationToken);
        }

        return samples;
    }

    public async Task<RequestRecord?> GetRequestAsync(string requestId, CancellationToken cancellationToken) =>
        await context.Requests.Find(x => x.Id == requestId).FirstOrDefaultAsync(cancellationToken);

    public Task<IReadOnlySet<long>> GetRecordedRequestIndexesAsync(string jobId, CancellationToken cancellationToken) =>
        RecordedRequestIndexesAsync(MongoQueries.RequestsOfJob(jobId), cancellationToken);

    public Task<IReadOnlySet<long>> GetRecordedRequestIndexesAsync(string jobId, long from, long to, CancellationToken cancellationToken) =>
        RecordedRequestIndexesAsync(MongoQueries.RequestsOfJobBetween(jobId, from, to), cancellationToken);

    public async Task<Page<SampleDocument>> QuerySamplesAsync(SampleQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var items = await context.Samples.Find(MongoQueries.SampleFilter(query))
            .Sort(MongoQueries.SampleSort)
            .Limit(query.Limit + 1)
            .ToListAsync(cancellationToken);
        return ToPage(items, query.Limit, x => x.Id);
    }

    public async Task<JobCounts> CountAsync(string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var samples = await (await context.Samples.AggregateAsync(MongoQueries.SampleCounts(jobId), cancellationToken: cancellationToken))
            .ToListAsync(cancellationToken);
        var requests = await (await context.Requests.AggregateAsync(MongoQueries.RequestCounts(jobId), cancellationToken: cancellationToken))
            .ToListAsync(cancellationToken);
        var failures = await context.Failures.CountDocumentsAsync(MongoQueries.FailureFilter(jobId, afterId: null), cancellationToken: cancellationToken);
        var rejectedByEvaluator = await context.Samples.CountDocumentsAsync(MongoQueries.RejectedByEvaluator(jobId), cancellationToken: cancellationToken);
        var requestCounts = requests.ToDictionary(x => Enum.Parse<RequestStatus>(x["_id"].AsString), x => x["count"].ToInt64());
        return new JobCounts
        {
            Samples = samples.ToDictionary(x => Enum.Parse<SampleState>(x["_id"].AsString), x => x["count"].ToInt64()),
            RejectedByEvaluator = rejectedByEvaluator,
            RequestsSucceeded = requestCounts.GetValueOrDefault(RequestStatus.Succeeded),
            RequestsFailed = requestCounts.GetValueOrDefault(RequestStatus.Failed),
            Failures = failures,
        };
    }

    public Task SaveFailureAsync(FailureDocument failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return context.Failures.ReplaceOneAsync(x => x.Id == failure.Id, failure, MongoQueries.Upsert, cancellationToken);
    }

    public async Task<Page<FailureDocument>> QueryFailuresAsync(string jobId, string? afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var items = await context.Failures.Find(MongoQueries.FailureFilter(jobId, afterId))
            .Sort(MongoQueries.FailureSort)
            .Limit(limit + 1)
            .ToListAsync(cancellationToken);
        return ToPage(items, limit, x => x.Id);
    }

    /// <summary>
    /// Inside a transaction a duplicate-key error would abort the whole transaction, so the stored stage is read
    /// first (in the transaction's snapshot) and a newer copy is left alone; a concurrent change to it makes the
    /// server report a write conflict, and the transaction is retried.
    /// </summary>
    private async Task SaveSampleInTransactionAsync(IClientSessionHandle session, SampleDocument sample, CancellationToken cancellationToken)
    {
        var ordinal = sample.StageOrdinal();
        if (await StoredOrdinalAsync(session, sample.Id, cancellationToken) > ordinal)
        {
            return;
        }
        var written = await context.StoredSamples.FindOneAndUpdateAsync(
            session, MongoQueries.MonotonicUpsertFilter(sample.Id, ordinal), MongoQueries.VersionedReplace(MongoDocuments.ToStoredSample(sample)),
            VersionedUpsert, cancellationToken);
        sample.Version = written[MongoDocuments.Version].ToInt64();
    }

    private async Task<int?> StoredOrdinalAsync(IClientSessionHandle? session, string sampleId, CancellationToken cancellationToken)
    {
        var filter = Builders<BsonDocument>.Filter.Eq("_id", sampleId);
        var find = session is null ? context.StoredSamples.Find(filter) : context.StoredSamples.Find(session, filter);
        var stored = await find.Project(MongoQueries.StageOrdinalProjection).FirstOrDefaultAsync(cancellationToken);
        return stored?[MongoDocuments.StageOrdinal].ToInt32();
    }

    private async Task<IReadOnlySet<long>> RecordedRequestIndexesAsync(FilterDefinition<RequestRecord> filter, CancellationToken cancellationToken)
    {
        var records = await context.Requests.Find(filter)
            .Project(MongoQueries.RequestIndexProjection)
            .ToListAsync(cancellationToken);
        return records.Select(x => x["index"].ToInt64()).ToHashSet();
    }

    private static Page<T> ToPage<T>(List<T> items, int limit, Func<T, string> id)
    {
        if (items.Count <= limit)
        {
            return new Page<T>(items, null);
        }
        items.RemoveAt(limit);
        return new Page<T>(items, id(items[^1]));
    }
}
