namespace Synth.Store.Sqlite;

/// <summary>Every store of the SQLite adapter, one per interface, over one shared database file.</summary>
public static class SqliteStores
{
    public static SynthStores Open(string databasePath) => Open(new SqliteDatabase(databasePath));

    public static SynthStores Open(SqliteStoreOptions options) => Open(new SqliteDatabase(options));

    public static SynthStores Open(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return new SynthStores(
            Samples: new SqliteSampleStore(database),
            Budget: new SqliteBudgetStore(database),
            RequestClaims: new SqliteRequestClaimStore(database),
            FailedRequests: new SqliteFailedRequestStore(database),
            Dedup: new SqliteDedupStore(database),
            ConceptTree: new SqliteConceptTreeStore(database),
            Reviews: new SqliteReviewStore(database),
            Reports: new SqliteReportStore(database),
            Sagas: new SqliteSagaStore(database),
            Browse: new SqliteBrowseStore(database),
            Audit: new SqliteAuditStore(database),
            CuratedOutbox: new SqliteCuratedOutboxStore(database));
    }
}
