using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using DuckDB.NET.Data;
using Synth.Delivery;
using Synth.Delivery.Processor;

namespace Synth.Delivery.Tests;

/// <summary>One row as a reader gets it.</summary>
internal sealed record ReadRow(string Id, long Version, string Split, string FileSplit, string? Label, string? Text);

/// <summary>
/// Reads a job's dataset the way a trainer's data loader would, with nothing of the sink's code but the manifest's
/// JSON shape: every partition manifest (<c>manifest-p*.json</c>) names its shards (each checked against its SHA-256),
/// DuckDB reads them all, rows a manifest lists as superseded are left out, and of any sample still in two manifests
/// the latest version is taken. The sum of the manifests' row counts must equal what is read: a sample live in two
/// manifests, or a row counted but not read, fails the read.
/// </summary>
internal static class DuckDbDatasetReader
{
    public static IReadOnlyList<ReadRow> Read(string jobFolder)
    {
        var manifests = Directory.Exists(jobFolder)
            ? Directory.GetFiles(jobFolder, DatasetManifest.FilePattern).Select(f => JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllBytes(f), ManifestJson.Options)!).ToList()
            : [];
        var shards = manifests.SelectMany(m => m.Shards).ToList();
        foreach (var shard in shards)
        {
            var bytes = File.ReadAllBytes(Path.Combine(jobFolder, shard.Path));
            Assert.Equal(shard.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
            Assert.Equal(shard.Bytes, bytes.LongLength);
        }

        Assert.Equal(shards.Count, shards.Select(s => s.Path).Distinct().Count());
        if (shards.Count == 0)
        {
            return [];
        }

        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TEMP TABLE superseded (path VARCHAR, id VARCHAR)";
            create.ExecuteNonQuery();
        }

        foreach (var row in manifests.SelectMany(m => m.Superseded))
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO superseded VALUES ($path, $id)";
            insert.Parameters.Add(new DuckDBParameter("path", Path.Combine(jobFolder, row.Path)));
            insert.Parameters.Add(new DuckDBParameter("id", row.SampleId));
            insert.ExecuteNonQuery();
        }

        var files = string.Join(", ", shards.Select(s => $"'{Path.Combine(jobFolder, s.Path).Replace("'", "''", StringComparison.Ordinal)}'"));
        using var query = connection.CreateCommand();
        query.CommandText = $$"""
            SELECT p.id, p.version, p.split, regexp_extract(p.filename, '([a-z]+)-p[0-9]+-[0-9]{5}-[0-9a-f]+\.parquet$', 1) AS file_split, p.label, p.text
            FROM read_parquet([{{files}}], filename = true) p
            WHERE NOT EXISTS (SELECT 1 FROM superseded s WHERE s.path = p.filename AND s.id = p.id)
            QUALIFY row_number() OVER (PARTITION BY p.id ORDER BY p.version DESC) = 1
            ORDER BY p.id
            """;
        using var reader = query.ExecuteReader();
        var rows = new List<ReadRow>();
        while (reader.Read())
        {
            rows.Add(new ReadRow(
                reader.GetString(0),
                Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        Assert.Equal(manifests.Sum(m => m.Rows), rows.Count);
        return rows;
    }
}
