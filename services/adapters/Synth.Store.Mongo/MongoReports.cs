using MongoDB.Bson;
using MongoDB.Driver;

namespace Synth.Store.Mongo;

/// <summary>The BSON shape of a stored report: <c>{ _id: jobId, createdAt: UTC date, createdAtOffset: minutes, json: text }</c>.</summary>
public static class MongoReports
{
    public static FilterDefinition<BsonDocument> ById(string jobId) => Builders<BsonDocument>.Filter.Eq("_id", jobId);

    public static BsonDocument ToBson(StoredReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new BsonDocument
        {
            ["_id"] = report.JobId,
            ["createdAt"] = new BsonDateTime(report.CreatedAt.UtcDateTime),
            ["createdAtOffset"] = (int)report.CreatedAt.Offset.TotalMinutes,
            ["json"] = report.Json,
        };
    }

    public static StoredReport FromBson(BsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var offset = TimeSpan.FromMinutes(document["createdAtOffset"].AsInt32);
        var created = new DateTimeOffset(document["createdAt"].ToUniversalTime(), TimeSpan.Zero).ToOffset(offset);
        return new StoredReport(document["_id"].AsString, created, document["json"].AsString);
    }
}
