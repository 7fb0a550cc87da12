using System.Globalization;
using System.Security.Cryptography;
using Parquet.Schema;
using Parquet.Serialization;
using Synth.Contracts.Samples;
using Synth.Delivery;

namespace Synth.Delivery.Processor;

/// <summary>A shard's Parquet form: the columns of <see cref="DatasetColumns"/>, one row group.</summary>
public static class ParquetShards
{
    /// <summary>Key-value metadata of every shard: the record schema version the rows were built from.</summary>
    public const string RecordSchemaVersionKey = "synth.record_schema_version";

    public static ParquetSchema SchemaOf(TaskType type) => new([.. DatasetColumns.Of(type).Select(column => column switch
    {
        DatasetColumns.Version => new DataField<long>(column),
        DatasetColumns.Weight => new DataField<double>(column),
        _ => (Field)new DataField(column, typeof(string), isNullable: column is not (DatasetColumns.Id or DatasetColumns.Split or DatasetColumns.Lineage)),
    })]);

    /// <returns>The file's bytes and their SHA-256 (lowercase hex).</returns>
    public static async Task<(byte[] Content, string Sha256)> SerializeAsync(ShardToWrite shard, TaskType type, int recordSchemaVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shard);
        var rows = shard.Rows.Select(r => (IDictionary<string, object?>)r.Values.ToDictionary(StringComparer.Ordinal)).ToList();
        using var stream = new MemoryStream();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [RecordSchemaVersionKey] = recordSchemaVersion.ToString(CultureInfo.InvariantCulture),
        };
        await ParquetSerializer.SerializeUntypedAsync(rows!, SchemaOf(type), stream, customMetadata: metadata, cancellationToken: cancellationToken).ConfigureAwait(false);
        var content = stream.ToArray();
        return (content, Convert.ToHexStringLower(SHA256.HashData(content)));
    }

    /// <summary>Each row's sample id and version: what the sink needs of a committed shard to know what the dataset holds.</summary>
    public static async Task<IReadOnlyList<(string SampleId, long Version)>> ReadKeysAsync(Stream shard, CancellationToken cancellationToken)
    {
        var keys = await ParquetSerializer.DeserializeAsync<ShardKey>(shard, cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. keys.Data.Select(k => (k.Id, k.Version))];
    }

    private sealed class ShardKey
    {
        [System.Text.Json.Serialization.JsonPropertyName(DatasetColumns.Id)]
        [Parquet.Serialization.Attributes.ParquetRequired]
        public string Id { get; set; } = "";

        [System.Text.Json.Serialization.JsonPropertyName(DatasetColumns.Version)]
        public long Version { get; set; }
    }
}
