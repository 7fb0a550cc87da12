using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema.NewtonsoftJson.Generation;
using Synth.Contracts.Messaging;

namespace Synth.Messaging.Kafka;

/// <summary>
/// The value format of <see cref="Topics.Curated"/> on Kafka. With a schema registry (<see cref="SchemaRegistryOptions"/>)
/// a record goes out through Confluent's JSON serializer, which registers the documented schema
/// (<see cref="CuratedRecord.JsonSchema"/>) under the topic's subject, validates the record against it and frames it
/// (magic byte 0, schema id, JSON); consumers read it back through the matching deserializer. Without one, the plain
/// JSON passes through. Either way the pipeline sees plain JSON, and the two formats never mix silently: a message in
/// the other format is an error naming <see cref="SchemaRegistryOptions.UrlKey"/>.
/// </summary>
public sealed class CuratedWireFormat : IDisposable
{
    private const byte MagicByte = 0;

    // Dates stay strings and numbers stay as written: the JSON the pipeline reads is the JSON it wrote.
    private static readonly JsonSerializerSettings Verbatim = new() { DateParseHandling = DateParseHandling.None };

    private readonly CachedSchemaRegistryClient? _registry;
    private readonly JsonSerializer<JObject>? _serializer;
    private readonly JsonDeserializer<JObject>? _deserializer;

    public CuratedWireFormat(SchemaRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return;
        }

        var config = new SchemaRegistryConfig { Url = options.Url };
        if (options.ReadUserInfo() is { } userInfo)
        {
            config.BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo;
            config.BasicAuthUserInfo = userInfo;
        }

        _registry = new CachedSchemaRegistryClient(config);
        _serializer = new JsonSerializer<JObject>(
            _registry,
            new Schema(CuratedRecord.JsonSchema, SchemaType.Json),
            new JsonSerializerConfig { AutoRegisterSchemas = true });
        _deserializer = new JsonDeserializer<JObject>(
            _registry,
            new JsonDeserializerConfig(),
            new NewtonsoftJsonSchemaGeneratorSettings { SerializerSettings = Verbatim });
    }

    /// <summary>The value to produce for a message: unchanged unless it is a curated record and a registry is configured.</summary>
    public async Task<byte[]> EncodeAsync(string topic, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (_serializer is null || topic != Topics.Curated || value.Length == 0)
        {
            return value;
        }

        using var reader = new JsonTextReader(new StreamReader(new MemoryStream(value), Encoding.UTF8)) { DateParseHandling = DateParseHandling.None };
        var record = JObject.Load(reader);
        return await _serializer.SerializeAsync(record, new SerializationContext(MessageComponentType.Value, topic)).ConfigureAwait(false);
    }

    /// <summary>The plain JSON of a consumed message (a tombstone's empty value stays empty).</summary>
    /// <exception cref="InvalidDataException">The message is not in the format this consumer is configured for.</exception>
    public async Task<byte[]> DecodeAsync(InboundMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Topic != Topics.Curated || message.Value.Length == 0)
        {
            return message.Value;
        }

        var framed = message.Value[0] == MagicByte;
        if (_deserializer is null)
        {
            return framed
                ? throw new InvalidDataException(
                    $"{Where(message)} is in the schema registry's wire format (schema id {SchemaIdOf(message.Value)}), but {SchemaRegistryOptions.UrlKey} is not set: set it to the registry its publisher uses.")
                : message.Value;
        }

        if (!framed)
        {
            throw new InvalidDataException(
                $"{Where(message)} is plain JSON, but {SchemaRegistryOptions.UrlKey} is set: its publisher does not use the schema registry. Configure the publisher and every consumer of {message.Topic} alike.");
        }

        var record = await _deserializer.DeserializeAsync(message.Value, isNull: false, new SerializationContext(MessageComponentType.Value, message.Topic)).ConfigureAwait(false);
        return Encoding.UTF8.GetBytes(record.ToString(Formatting.None));
    }

    public void Dispose()
    {
        _registry?.Dispose();
    }

    private static string Where(InboundMessage message) => $"Message {message.Topic}[{message.Partition}]@{message.Offset}";

    private static string SchemaIdOf(byte[] value) =>
        value.Length >= 5 ? BinaryPrimitives.ReadInt32BigEndian(value.AsSpan(1, 4)).ToString(System.Globalization.CultureInfo.InvariantCulture) : "unreadable";
}
