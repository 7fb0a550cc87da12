using MongoDB.Bson;
using MongoDB.Driver;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Store.Mongo;

/// <summary>
/// The MongoDB database every store of this adapter shares (<see cref="MongoStores.Open(MongoStoreOptions)"/>): its
/// client, the collections several stores use, the indexes of all of them, and whether the deployment runs
/// transactions. Safe for concurrent use by many threads, processes and hosts.
/// </summary>
public sealed class MongoDatabaseContext : IDisposable
{
    private const int TransactionsUnknown = 0;
    private const int TransactionsSupported = 1;
    private const int TransactionsUnsupported = 2;

    private readonly IMongoClient? _ownedClient;
    private int _transactions = TransactionsUnknown;

    /// <summary>Connects with its own client, disposed with the context.</summary>
    public MongoDatabaseContext(MongoStoreOptions options)
        : this(Connect(options), ownsClient: true)
    {
    }

    /// <summary>Uses a database of a client the caller owns (one client per process is the driver's advice).</summary>
    public MongoDatabaseContext(IMongoDatabase database)
        : this(database, ownsClient: false)
    {
    }

    private MongoDatabaseContext(IMongoDatabase database, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(database);
        MongoClassMaps.Register();
        _ownedClient = ownsClient ? database.Client : null;
        Database = database;
        Jobs = Database.GetCollection<JobDocument>(MongoCollections.Jobs);
        Samples = Database.GetCollection<SampleDocument>(MongoCollections.Samples);
        StoredSamples = Database.GetCollection<BsonDocument>(MongoCollections.Samples);
        Requests = Database.GetCollection<RequestRecord>(MongoCollections.Requests);
        Failures = Database.GetCollection<FailureDocument>(MongoCollections.Failures);
    }

    internal IMongoDatabase Database { get; }

    internal IMongoCollection<JobDocument> Jobs { get; }

    internal IMongoCollection<SampleDocument> Samples { get; }

    /// <summary>The samples collection as raw documents, for the writes that compare the stored stage and version.</summary>
    internal IMongoCollection<BsonDocument> StoredSamples { get; }

    internal IMongoCollection<RequestRecord> Requests { get; }

    internal IMongoCollection<FailureDocument> Failures { get; }

    /// <summary>Creates every store's indexes (and collections that need creating) if missing.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        // Creating an index that exists with the same keys and options is a no-op, so every process may do this.
        await Samples.Indexes.CreateManyAsync(MongoIndexes.ForSamples(), cancellationToken);
        await Requests.Indexes.CreateManyAsync(MongoIndexes.ForRequests(), cancellationToken);
        await Failures.Indexes.CreateManyAsync(MongoIndexes.ForFailures(), cancellationToken);
        await MongoDedupStore.CreateIndexesAsync(this, cancellationToken);
        await MongoReviewStore.CreateIndexesAsync(this, cancellationToken);
        await MongoReportStore.CreateCollectionAsync(this, cancellationToken);
        await MongoSagaStore.CreateIndexesAsync(this, cancellationToken);
        await MongoConceptTreeStore.CreateIndexesAsync(this, cancellationToken);
        await MongoAuditStore.CreateIndexesAsync(this, cancellationToken);
        await MongoCuratedOutboxStore.CreateIndexesAsync(this, cancellationToken);
        await SupportsTransactionsAsync(cancellationToken);
    }

    /// <summary>
    /// Whether this deployment runs multi-document transactions, i.e. whether <see cref="MongoSampleStore.SaveRequestAsync"/>
    /// is atomic here (otherwise it is the ordered, re-doable write). Asked once, then remembered.
    /// </summary>
    public async Task<bool> SupportsTransactionsAsync(CancellationToken cancellationToken)
    {
        var known = Volatile.Read(ref _transactions);
        if (known != TransactionsUnknown)
        {
            return known == TransactionsSupported;
        }
        var hello = await Database.Client.GetDatabase("admin")
            .RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: cancellationToken);
        var supported = MongoTopology.SupportsTransactions(hello);
        Volatile.Write(ref _transactions, supported ? TransactionsSupported : TransactionsUnsupported);
        return supported;
    }

    public void Dispose() => _ownedClient?.Dispose();

    private static IMongoDatabase Connect(MongoStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Database);
        return new MongoClient(options.ConnectionString).GetDatabase(options.Database);
    }
}
