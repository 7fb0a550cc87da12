using System.Text.Json;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Messaging;

/// <summary>
/// The training record of a curated sample, the value on <see cref="Topics.Curated"/> (keyed by sample id; a removed
/// sample is a tombstone, a null value). A later change to the sample publishes a record with a higher
/// <see cref="Version"/> under the same key. JSON schema: docs/schemas/curated-record.v1.schema.json.
/// </summary>
/// <param name="Version">The sample's store version this record was built from; a consumer keeps the highest per sample.</param>
/// <param name="Content">The task type's content fields (docs/schemas.md, "content").</param>
/// <param name="Label">The current label: the content's for classification, else null.</param>
/// <param name="Split">train, validation or test, by <see cref="Datasets.DatasetSplit"/> with the job's export fractions.</param>
/// <param name="Lineage">Where the sample's whole history is served: <c>/samples/{id}</c> on the API.</param>
public sealed record CuratedRecord(
    int SchemaVersion,
    string SampleId,
    string JobId,
    long Version,
    TaskType TaskType,
    SampleContent Content,
    string? Label,
    double Weight,
    string Split,
    string Lineage,
    DateTimeOffset CuratedAt)
{
    /// <summary>The record's schema version, also in the <see cref="EnvelopeHeaders.SchemaVersion"/> header.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>The CloudEvents type of a record: <c>synth.sample.curated.v1</c>.</summary>
    public const string EventType = "synth.sample.curated.v1";

    /// <summary>The record's JSON schema (draft 2020-12) as documented, the one registered with a schema registry.</summary>
    public static string JsonSchema => LazySchema.Value;

    private static readonly Lazy<string> LazySchema = new(() =>
    {
        using var stream = typeof(CuratedRecord).Assembly.GetManifestResourceStream("curated-record.v1.schema.json")
            ?? throw new InvalidOperationException("The curated record's schema is not embedded in Synth.Contracts.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static string LineageOf(string sampleId) => $"/samples/{Uri.EscapeDataString(sampleId)}";

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, SampleJson.Options);

    /// <exception cref="JsonException">The bytes are not a curated record.</exception>
    public static CuratedRecord Parse(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<CuratedRecord>(utf8, SampleJson.Options)
        ?? throw new JsonException("The message body is JSON null, not a curated record (a tombstone has no body).");
}
