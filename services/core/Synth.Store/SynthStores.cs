namespace Synth.Store;

/// <summary>
/// One adapter's stores, one object per store interface, all over one shared connection (a SQLite file, a MongoDB
/// database), as built by the adapter (<c>SqliteStores.Open</c>, <c>MongoStores.Open</c>) or chosen by configuration
/// (<see cref="StoreServiceCollectionExtensions.AddSynthStore"/>). <see cref="ISampleStore.InitializeAsync"/> creates
/// the tables, collections and indexes of all of them.
/// </summary>
public sealed record SynthStores(
    ISampleStore Samples,
    IBudgetStore Budget,
    IRequestClaimStore RequestClaims,
    IFailedRequestStore FailedRequests,
    IDedupStore Dedup,
    IConceptTreeStore ConceptTree,
    IReviewStore Reviews,
    IReportStore Reports,
    ISagaStore Sagas,
    IBrowseStore Browse,
    IAuditStore Audit,
    ICuratedOutboxStore CuratedOutbox) : IDisposable
{
    /// <summary>The shared connection when these stores own it (a MongoDB client), released by <see cref="Dispose"/>; else null.</summary>
    public IDisposable? Connection { get; init; }

    public void Dispose() => Connection?.Dispose();
}
