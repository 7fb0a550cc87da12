using System.Globalization;

namespace Synth.Delivery;

/// <summary>
/// <c>{job}/manifest.json</c>: what a reader may read. Only shards listed here are complete; rows listed in
/// <see cref="Superseded"/> are to be skipped. Replaced atomically (temp file, then rename) after the shards it names
/// are written, and before the offsets of their records are committed.
/// </summary>
/// <param name="RecordSchemaVersion">The <c>CuratedRecord</c> schema the rows were built from.</param>
/// <param name="Rows">Rows a reader gets: the shards' rows less the superseded ones.</param>
/// <param name="Watermarks">Per <c>{topic}/{partition}</c>, the highest offset whose record is in this manifest (a shard row, a superseded row or a tombstone).</param>
public sealed record DatasetManifest(
    int SchemaVersion,
    int RecordSchemaVersion,
    string JobId,
    long Rows,
    IReadOnlyList<ManifestShard> Shards,
    IReadOnlyList<SupersededRow> Superseded,
    IReadOnlyDictionary<string, long> Watermarks,
    DateTimeOffset UpdatedAt)
{
    public const int CurrentSchemaVersion = 1;
    public const string FileName = "manifest.json";
    public const string DataFolder = "data";

    public static DatasetManifest Empty(string jobId, int recordSchemaVersion, DateTimeOffset now) =>
        new(CurrentSchemaVersion, recordSchemaVersion, jobId, 0, [], [], new Dictionary<string, long>(StringComparer.Ordinal), now);

    /// <summary>The path of a shard under the job's folder, in the Hugging Face <c>datasets</c> layout (split from the file name).</summary>
    public static string ShardPath(string split, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{DataFolder}/{split}-{index:D5}.parquet");

    public static string WatermarkKey(string topic, int partition) =>
        string.Create(CultureInfo.InvariantCulture, $"{topic}/{partition}");
}
