using System.Collections.Frozen;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using Synth.Contracts.Json;

namespace Synth.Store.Mongo;

/// <summary>An enum stored as the kebab-case spelling of its member name (LlmRelabel as "llm-relabel"), as in the JSON documents.</summary>
internal sealed class KebabCaseEnumSerializer<TEnum> : StructSerializerBase<TEnum> where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> Names =
        Enum.GetValues<TEnum>().ToFrozenDictionary(value => value, value => EnumSpelling.Of(value));

    private static readonly FrozenDictionary<string, TEnum> Values =
        Names.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, TEnum value) =>
        context.Writer.WriteString(Names[value]);

    public override TEnum Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args)
    {
        var name = context.Reader.ReadString();
        return Values.TryGetValue(name, out var value)
            ? value
            : throw new BsonSerializationException($"'{name}' is not a {typeof(TEnum).Name}; expected one of: {string.Join(", ", Values.Keys)}.");
    }
}
