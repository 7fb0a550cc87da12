using System.Globalization;

namespace Synth.Delivery;

/// <summary>
/// <c>{job}/manifest-p{partition}.json</c>: what a reader may read of the job's records from one partition of the
/// curated topic. Only shards listed here are complete; rows listed in <see cref="Superseded"/> are to be skipped.
/// Written only by the sink instance that owns the partition, replaced atomically after the shards it names are
/// written and before the offsets of their records are committed. A job's dataset is the union of its partition
/// manifests: records are keyed by sample id, so each sample lives in one partition and so in one manifest.
/// </summary>
/// <param name="RecordSchemaVersion">The <c>CuratedRecord</c> schema the rows were built from.</param>
/// <param name="Partition">The curated topic's partition whose records this manifest holds (0 on the in-process bus).</param>
/// <param name="Sequence">1 for the partition's first manifest, one more for each replacement: a writer replaces only the manifest it built on, so two instances briefly owning the same partition (a rebalance) cannot drop each other's shards.</param>
/// <param name="Rows">Rows a reader gets: the shards' rows less the superseded ones.</param>
/// <param name="Watermarks">Per <c>{topic}/{partition}</c>, the highest offset whose record is in this manifest (a shard row, a superseded row or a tombstone).</param>
public sealed record DatasetManifest(
    int SchemaVersion,
    int RecordSchemaVersion,
    string JobId,
    int Partition,
    long Sequence,
    long Rows,
    IReadOnlyList<ManifestShard> Shards,
    IReadOnlyList<SupersededRow> Superseded,
    IReadOnlyDictionary<string, long> Watermarks,
    DateTimeOffset UpdatedAt)
{
    /// <summary>2: one manifest per partition (1 had one <c>manifest.json</c> per job).</summary>
    public const int CurrentSchemaVersion = 2;
    public const string DataFolder = "data";

    /// <summary>The glob matching every partition manifest of a job.</summary>
    public const string FilePattern = "manifest-p*.json";

    public static DatasetManifest Empty(string jobId, int partition, int recordSchemaVersion, DateTimeOffset now) =>
        new(CurrentSchemaVersion, recordSchemaVersion, jobId, partition, 0, 0, [], [], new Dictionary<string, long>(StringComparer.Ordinal), now);

    public static string FileName(int partition) =>
        string.Create(CultureInfo.InvariantCulture, $"manifest-p{partition}.json");

    /// <summary>
    /// The path of a shard under the job's folder, in the Hugging Face <c>datasets</c> layout (the split leads the file
    /// name). The partition and the writer (a token per sink instance and partition) make names that no other instance
    /// can write: one that took over the partition in a rebalance starts from the same index, under its own token.
    /// </summary>
    public static string ShardPath(string split, int partition, int index, string writer) =>
        string.Create(CultureInfo.InvariantCulture, $"{DataFolder}/{split}-p{partition}-{index:D5}-{writer}.parquet");

    public static string WatermarkKey(string topic, int partition) =>
        string.Create(CultureInfo.InvariantCulture, $"{topic}/{partition}");
}
