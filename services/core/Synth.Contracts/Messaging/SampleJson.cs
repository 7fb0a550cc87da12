using System.Text.Json;
using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Messaging;

/// <summary>The one JSON shape of documents and messages on the wire and in the SQLite store: camelCase, enums as strings.</summary>
public static class SampleJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            RespectRequiredConstructorParameters = true,
            // A null where the contract says non-null (e.g. "id": null) is a malformed document, not a null id.
            RespectNullableAnnotations = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static byte[] Serialize(SampleDocument sample) => JsonSerializer.SerializeToUtf8Bytes(sample, Options);

    /// <exception cref="JsonException">The bytes are not a valid sample document (the message names the path).</exception>
    public static SampleDocument Deserialize(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<SampleDocument>(utf8, Options)
        ?? throw new JsonException("The message body is JSON null, not a sample document.");

    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T FromJson<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"JSON null where a {typeof(T).Name} was expected.");
}
