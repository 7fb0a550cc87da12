using MongoDB.Bson;
using MongoDB.Driver;

namespace Synth.Store.Mongo;

public sealed class MongoSagaStore(MongoDatabaseContext context) : ISagaStore
{
    public const string SagasCollection = "sagas";

    private IMongoCollection<BsonDocument> Sagas => context.Database.GetCollection<BsonDocument>(SagasCollection);

    public async Task<StoredSaga?> GetSagaAsync(Guid id, CancellationToken cancellationToken)
    {
        var document = await Sagas.Find(MongoSagas.ById(id)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : MongoSagas.FromBson(document);
    }

    public async Task<bool> InsertSagaAsync(StoredSaga saga, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        try
        {
            await Sagas.InsertOneAsync(MongoSagas.ToBson(saga), cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    public async Task<bool> UpdateSagaAsync(StoredSaga saga, int expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        var result = await Sagas.ReplaceOneAsync(MongoSagas.AtVersion(saga.Id, expectedVersion), MongoSagas.ToBson(saga),
            cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public Task DeleteSagaAsync(Guid id, CancellationToken cancellationToken) =>
        Sagas.DeleteOneAsync(MongoSagas.ById(id), cancellationToken);

    public async Task<IReadOnlyList<StoredSaga>> ListSagasAsync(IReadOnlyCollection<string> states, CancellationToken cancellationToken)
    {
        var documents = await Sagas.Find(MongoSagas.InStates(states)).Sort(Builders<BsonDocument>.Sort.Ascending("_id"))
            .ToListAsync(cancellationToken);
        return documents.Select(MongoSagas.FromBson).ToList();
    }

    /// <summary>The state index serves the resume query at start (called from <see cref="MongoDatabaseContext.InitializeAsync"/>).</summary>
    internal static Task CreateIndexesAsync(MongoDatabaseContext context, CancellationToken cancellationToken) =>
        context.Database.GetCollection<BsonDocument>(SagasCollection).Indexes.CreateOneAsync(MongoSagas.StateIndex, cancellationToken: cancellationToken);
}
