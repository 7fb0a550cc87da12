using MongoDB.Bson;
using MongoDB.Driver;

namespace Synth.Store.Mongo;

/// <summary>
/// The BSON shape of a stored saga: <c>{ _id: "uuid", jobId, state, version, json }</c>. The id is the UUID's
/// canonical text, so it reads the same in any shell.
/// </summary>
public static class MongoSagas
{
    public static readonly CreateIndexModel<BsonDocument> StateIndex = new(
        Builders<BsonDocument>.IndexKeys.Ascending("state").Ascending("_id"), new CreateIndexOptions { Name = "ix_sagas_state" });

    public static FilterDefinition<BsonDocument> ById(Guid id) => Builders<BsonDocument>.Filter.Eq("_id", id.ToString("D"));

    public static FilterDefinition<BsonDocument> AtVersion(Guid id, int version) =>
        Builders<BsonDocument>.Filter.And(ById(id), Builders<BsonDocument>.Filter.Eq("version", version));

    public static FilterDefinition<BsonDocument> InStates(IReadOnlyCollection<string> states) =>
        Builders<BsonDocument>.Filter.In("state", states);

    public static BsonDocument ToBson(StoredSaga saga)
    {
        ArgumentNullException.ThrowIfNull(saga);
        return new BsonDocument
        {
            ["_id"] = saga.Id.ToString("D"),
            ["jobId"] = saga.JobId,
            ["state"] = saga.State,
            ["version"] = saga.Version,
            ["json"] = saga.Json,
        };
    }

    public static StoredSaga FromBson(BsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new StoredSaga(Guid.Parse(document["_id"].AsString), document["jobId"].AsString, document["state"].AsString,
            document["version"].AsInt32, document["json"].AsString);
    }
}
