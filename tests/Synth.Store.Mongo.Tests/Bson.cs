using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace Synth.Store.Mongo.Tests;

/// <summary>Renders driver definitions to the BSON the server would receive.</summary>
internal static class Bson
{
    static Bson() => MongoClassMaps.Register();

    public static RenderArgs<T> Args<T>() => new(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry);

    public static BsonDocument Render<T>(FilterDefinition<T> filter) => filter.Render(Args<T>());

    public static BsonDocument Render<T>(SortDefinition<T> sort) => sort.Render(Args<T>());

    public static BsonDocument Render<T>(IndexKeysDefinition<T> keys) => keys.Render(Args<T>());

    public static BsonDocument Render<T>(ProjectionDefinition<T> projection) => projection.Render(Args<T>());

    public static List<BsonDocument> Render<TIn, TOut>(PipelineDefinition<TIn, TOut> pipeline) => pipeline.Render(Args<TIn>()).Documents.ToList();

    /// <summary>Relaxed extended JSON with the elements in order, for exact comparisons.</summary>
    public static string Json(BsonDocument document) => document.ToJson(new MongoDB.Bson.IO.JsonWriterSettings { OutputMode = MongoDB.Bson.IO.JsonOutputMode.RelaxedExtendedJson });

    public static BsonDocument Parse(string json) => BsonDocument.Parse(json);

    public static T Deserialize<T>(BsonDocument document) => BsonSerializer.Deserialize<T>(document);

    public static BsonDocument Serialize<T>(T value) => value.ToBsonDocument();
}
