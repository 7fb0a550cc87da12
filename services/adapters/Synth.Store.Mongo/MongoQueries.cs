using MongoDB.Bson;
using MongoDB.Driver;
using Synth.Contracts.Samples;

namespace Synth.Store.Mongo;

/// <summary>The filters, sorts and pipelines the store sends; built here so tests can render them without a server.</summary>
internal static class MongoQueries
{
    public static readonly ReplaceOptions Upsert = new() { IsUpsert = true };

    public static FilterDefinition<SampleDocument> SampleFilter(SampleQuery query)
    {
        var filter = Builders<SampleDocument>.Filter;
        var result = filter.Eq(x => x.JobId, query.JobId);
        if (query.States.Count > 0)
        {
            result &= filter.In(x => x.State, query.States.Distinct());
        }
        if (query.Label is not null)
        {
            result &= filter.Eq(x => x.Content.Label, query.Label);
        }
        if (query.AfterId is not null)
        {
            result &= filter.Gt(x => x.Id, query.AfterId);
        }
        return result;
    }

    public static SortDefinition<SampleDocument> SampleSort { get; } = Builders<SampleDocument>.Sort.Ascending(x => x.Id);

    /// <summary>
    /// Matches the stored sample only while it is at the same or an earlier stage. Used with upsert: no match on an
    /// existing id makes the server try an insert, which fails with a duplicate key — the stored copy is newer.
    /// </summary>
    public static FilterDefinition<BsonDocument> MonotonicUpsertFilter(string sampleId, int stageOrdinal)
    {
        var filter = Builders<BsonDocument>.Filter;
        return filter.Eq("_id", sampleId) & filter.Lte(MongoDocuments.StageOrdinal, stageOrdinal);
    }

    /// <summary>
    /// The upsert's update: the new copy with version = the stored version + 1 (1 when inserted; a document stored
    /// before versions existed counts as 0). An update pipeline, so the increment happens on the server in the same
    /// write; the copy is a $literal, so text that starts with "$" is never read as a field path.
    /// </summary>
    public static UpdateDefinition<BsonDocument> VersionedReplace(BsonDocument stored)
    {
        var copy = stored.DeepClone().AsBsonDocument;
        copy.Remove(MongoDocuments.Version);
        var nextVersion = new BsonDocument("$add", new BsonArray { new BsonDocument("$ifNull", new BsonArray { "$" + MongoDocuments.Version, 0L }), 1L });
        var stage = new BsonDocument("$replaceWith", new BsonDocument("$mergeObjects", new BsonArray
        {
            new BsonDocument("$literal", copy),
            new BsonDocument(MongoDocuments.Version, nextVersion),
        }));
        return Builders<BsonDocument>.Update.Pipeline(new BsonDocumentStagePipelineDefinition<BsonDocument, BsonDocument>([stage]));
    }

    /// <summary>The compare-and-set filter: the sample, only while it is still at the version the writer read.</summary>
    public static FilterDefinition<BsonDocument> VersionIs(string sampleId, long version)
    {
        var filter = Builders<BsonDocument>.Filter;
        // A document stored before versions existed has no version field; it counts as version 0.
        var versionIs = version == 0
            ? filter.In(MongoDocuments.Version, new BsonValue[] { 0L, BsonNull.Value })
            : filter.Eq(MongoDocuments.Version, version);
        return filter.Eq("_id", sampleId) & versionIs;
    }

    public static ProjectionDefinition<BsonDocument> VersionProjection { get; } =
        Builders<BsonDocument>.Projection.Include(MongoDocuments.Version);

    public static ProjectionDefinition<BsonDocument> StageOrdinalProjection { get; } =
        Builders<BsonDocument>.Projection.Include(MongoDocuments.StageOrdinal);

    public static FilterDefinition<RequestRecord> RequestsOfJob(string jobId) =>
        Builders<RequestRecord>.Filter.Eq(x => x.JobId, jobId);

    /// <summary>The job's requests with <paramref name="from"/> ≤ index &lt; <paramref name="to"/>; served by the jobId_index index.</summary>
    public static FilterDefinition<RequestRecord> RequestsOfJobBetween(string jobId, long from, long to)
    {
        var filter = Builders<RequestRecord>.Filter;
        return filter.Eq(x => x.JobId, jobId) & filter.Gte(x => x.Index, from) & filter.Lt(x => x.Index, to);
    }

    /// <summary>A plain inclusion (no aggregation expression), so any supported server version runs it.</summary>
    public static ProjectionDefinition<RequestRecord> RequestIndexProjection { get; } =
        Builders<RequestRecord>.Projection.Include(x => x.Index).Exclude(x => x.Id);

    public static FilterDefinition<FailureDocument> FailureFilter(string jobId, string? afterId)
    {
        var filter = Builders<FailureDocument>.Filter;
        var result = filter.Eq(x => x.JobId, jobId);
        return afterId is null ? result : result & filter.Gt(x => x.Id, afterId);
    }

    public static SortDefinition<FailureDocument> FailureSort { get; } = Builders<FailureDocument>.Sort.Ascending(x => x.Id);

    /// <summary>{ _id: state, count } per state of the job's samples; served by the jobId+state+_id index.</summary>
    public static PipelineDefinition<SampleDocument, BsonDocument> SampleCounts(string jobId) =>
        new EmptyPipelineDefinition<SampleDocument>()
            .Match(Builders<SampleDocument>.Filter.Eq(x => x.JobId, jobId))
            .Group<SampleDocument, SampleDocument, BsonDocument>(CountBy("$state"));

    /// <summary>The job's samples the evaluator rejected: rejected at the evaluator's depth (<see cref="SampleStates.StageOrdinal"/>).</summary>
    public static FilterDefinition<SampleDocument> RejectedByEvaluator(string jobId) =>
        Builders<SampleDocument>.Filter.Eq(x => x.JobId, jobId)
        & Builders<SampleDocument>.Filter.Eq(x => x.State, SampleState.Rejected)
        & Builders<SampleDocument>.Filter.Eq(MongoDocuments.StageOrdinal, SampleState.Evaluated.Ordinal());

    /// <summary>{ _id: status, count } per status of the job's request ledger.</summary>
    public static PipelineDefinition<RequestRecord, BsonDocument> RequestCounts(string jobId) =>
        new EmptyPipelineDefinition<RequestRecord>()
            .Match(RequestsOfJob(jobId))
            .Group<RequestRecord, RequestRecord, BsonDocument>(CountBy("$status"));

    private static BsonDocument CountBy(string field) =>
        new() { { "_id", field }, { "count", new BsonDocument("$sum", 1) } };
}
