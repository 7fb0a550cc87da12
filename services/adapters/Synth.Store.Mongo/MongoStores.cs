using MongoDB.Driver;

namespace Synth.Store.Mongo;

/// <summary>Every store of the MongoDB adapter, one per interface, over one shared database.</summary>
public static class MongoStores
{
    /// <summary>Over a client of their own, disposed with the returned stores.</summary>
    public static SynthStores Open(MongoStoreOptions options) => Open(new MongoDatabaseContext(options));

    /// <summary>Over a database of a client the caller owns.</summary>
    public static SynthStores Open(IMongoDatabase database) => Open(new MongoDatabaseContext(database));

    /// <summary>Over <paramref name="context"/>, which disposing the returned stores disposes.</summary>
    public static SynthStores Open(MongoDatabaseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var samples = new MongoSampleStore(context);
        return new SynthStores(
            Samples: samples,
            Budget: new MongoBudgetStore(context),
            RequestClaims: new MongoRequestClaimStore(context),
            FailedRequests: new MongoFailedRequestStore(context, samples),
            Dedup: new MongoDedupStore(context),
            ConceptTree: new MongoConceptTreeStore(context),
            Reviews: new MongoReviewStore(context, samples),
            Reports: new MongoReportStore(context),
            Sagas: new MongoSagaStore(context),
            Browse: new MongoBrowseStore(context),
            Audit: new MongoAuditStore(context),
            CuratedOutbox: new MongoCuratedOutboxStore(context))
        {
            Connection = context,
        };
    }
}
