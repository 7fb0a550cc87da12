using MongoDB.Bson;
using Synth.Contracts.Samples;

namespace Synth.Store.Mongo;

internal static class MongoDocuments
{
    /// <summary>
    /// The stored form of a sample: its class-mapped document plus <see cref="StageOrdinal"/>, the field the
    /// monotonic upsert compares (it is not part of <see cref="SampleDocument"/> and is skipped when reading).
    /// </summary>
    public const string StageOrdinal = "stageOrdinal";

    /// <summary>The element of <see cref="SampleDocument.Version"/>, which the store's writes compare and increment.</summary>
    public const string Version = "version";

    public static BsonDocument ToStoredSample(SampleDocument sample)
    {
        MongoClassMaps.Register();
        var document = sample.ToBsonDocument();
        document.InsertAt(1, new BsonElement(StageOrdinal, sample.StageOrdinal()));
        return document;
    }
}
