using MongoDB.Bson;

namespace Synth.Store.Mongo;

internal static class MongoTopology
{
    /// <summary>
    /// Multi-document transactions need sessions and a replica set, a sharded cluster (mongos answers
    /// msg: "isdbgrid") or a load-balanced deployment (serviceId); a standalone server has none of these.
    /// </summary>
    public static bool SupportsTransactions(BsonDocument hello) =>
        hello.Contains("logicalSessionTimeoutMinutes")
        && (hello.Contains("setName") || hello.Contains("serviceId") || (hello.TryGetValue("msg", out var msg) && msg is BsonString { Value: "isdbgrid" }));
}
