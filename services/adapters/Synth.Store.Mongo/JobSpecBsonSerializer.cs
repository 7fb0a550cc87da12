using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using Synth.Contracts.Jobs;

namespace Synth.Store.Mongo;

/// <summary>
/// A job's normalised spec as a JSON string in <see cref="JobSpecJson"/>'s form, the same text SQLite stores: it
/// round-trips exactly (decimal prices, explicit nulls) without a BSON mapping of every spec type to keep in step.
/// </summary>
public sealed class JobSpecBsonSerializer : SerializerBase<JobSpec>
{
    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, JobSpec value) =>
        context.Writer.WriteString(JobSpecJson.ToJson(value));

    public override JobSpec Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args) =>
        JobSpecJson.FromJson(context.Reader.ReadString());
}
