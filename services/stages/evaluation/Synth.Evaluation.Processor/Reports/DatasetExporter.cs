using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet.Schema;
using Parquet.Serialization;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Evaluation.Processor.Reports;

/// <summary>
/// Exports a job's dataset (<see cref="CuratedRecords.InDataset"/>: evaluated samples no review rejected, what the curated topic carries) in the folder layout Hugging Face <c>datasets</c> loads
/// directly: <c>data/{split}-NNNNN-of-NNNNN.parquet</c> (the default config), <c>jsonl/{split}.jsonl</c> (the
/// "jsonl" config) and README.md, the dataset card whose YAML front matter names both configs. Columns: id, the task
/// type's content fields, conditions (JSON text) and weight. Samples are streamed; Parquet is written in shards of
/// <see cref="RowsPerShard"/> rows, so memory stays bounded for any dataset size.
/// </summary>
public sealed class DatasetExporter(ISampleStore store)
{
    public const int RowsPerShard = 100_000;
    public const string ParquetFolder = "data";
    public const string JsonlFolder = "jsonl";

    private static readonly JsonSerializerOptions JsonlOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The content columns of each task type (docs/schemas.md), before conditions and weight.</summary>
    public static IReadOnlyList<string> ContentColumns(TaskType type) => ContentFields.ColumnsOf(type);

    /// <summary>Writes the data files; the caller writes the card (<see cref="DatasetCard"/>) beside them.</summary>
    public async Task<ExportResult> ExportAsync(string jobId, JobSpec spec, string folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var content = ContentColumns(spec.Task.Type);
        string[] columns = ["id", .. content, "conditions", "weight"];
        var schema = new ParquetSchema([.. columns.Select(c => c == "weight" ? new DataField<double>(c) : (Field)new DataField(c, typeof(string), isNullable: true))]);

        Directory.CreateDirectory(Path.Combine(folder, ParquetFolder));
        Directory.CreateDirectory(Path.Combine(folder, JsonlFolder));
        var splits = DatasetSplits.All.ToDictionary(s => s, s => new SplitWriter(folder, s, schema), StringComparer.Ordinal);
        try
        {
            await foreach (var sample in store.ReadSamplesAsync(
                new SampleQuery { JobId = jobId, States = CuratedRecords.DatasetStates, Limit = 500 }, cancellationToken).ConfigureAwait(false))
            {
                if (!CuratedRecords.InDataset(sample))
                {
                    // The curated topic holds a tombstone for it (a review rejected it): the export and the topic agree.
                    continue;
                }

                var row = Row(sample, content);
                await splits[DatasetSplits.Of(sample.Id, spec.Evaluation.Export)].AddAsync(row, cancellationToken).ConfigureAwait(false);
            }

            var shards = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (name, split) in splits)
            {
                shards[name] = await split.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            return new ExportResult(folder, splits.Where(s => s.Value.Rows > 0).ToDictionary(s => s.Key, s => s.Value.Rows, StringComparer.Ordinal), columns,
                shards.Where(s => s.Value > 0).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal));
        }
        finally
        {
            foreach (var split in splits.Values)
            {
                await split.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static Dictionary<string, object?> Row(SampleDocument sample, IReadOnlyList<string> content)
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = sample.Id };
        var c = sample.Content;
        foreach (var column in content)
        {
            row[column] = column switch
            {
                "text" => c.Text,
                "label" => c.Label,
                "instruction" => c.Instruction,
                "input" => c.Input,
                "response" => c.Response,
                "context" => c.Context,
                "question" => c.Question,
                "answer" => c.Answer,
                "rationale" => c.Rationale,
                "turns" => JsonSerializer.Serialize(c.Turns.Select(t => new { role = t.Role, text = t.Text }), JsonlOptions),
                _ => throw new InvalidOperationException($"No content column '{column}'."),
            };
        }

        row["conditions"] = JsonSerializer.Serialize(new SortedDictionary<string, string>(sample.Provenance.Conditions, StringComparer.Ordinal), JsonlOptions);
        row["weight"] = sample.Weight;
        return row;
    }

    /// <summary>One split: its JSONL file written as rows come, its Parquet shards written every <see cref="RowsPerShard"/> rows.</summary>
    private sealed class SplitWriter(string folder, string split, ParquetSchema schema) : IAsyncDisposable
    {
        private readonly List<IDictionary<string, object?>> _pending = [];
        private readonly List<string> _shardFiles = [];
        private StreamWriter? _jsonl;

        public long Rows { get; private set; }

        public async Task AddAsync(Dictionary<string, object?> row, CancellationToken cancellationToken)
        {
            _jsonl ??= new StreamWriter(Path.Combine(folder, JsonlFolder, $"{split}.jsonl"), append: false, new UTF8Encoding(false));
            await _jsonl.WriteLineAsync(JsonSerializer.Serialize(row, JsonlOptions).AsMemory(), cancellationToken).ConfigureAwait(false);
            _pending.Add(row);
            Rows++;
            if (_pending.Count >= RowsPerShard)
            {
                await FlushShardAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        /// <returns>How many Parquet shards the split has.</returns>
        public async Task<int> CompleteAsync(CancellationToken cancellationToken)
        {
            await FlushShardAsync(cancellationToken).ConfigureAwait(false);
            // Hugging Face's shard names say how many shards there are, known only now.
            for (var i = 0; i < _shardFiles.Count; i++)
            {
                File.Move(_shardFiles[i], Path.Combine(folder, ParquetFolder, ShardName(split, i, _shardFiles.Count)), overwrite: true);
            }

            return _shardFiles.Count;
        }

        public static string ShardName(string split, int index, int count) =>
            string.Create(CultureInfo.InvariantCulture, $"{split}-{index:D5}-of-{count:D5}.parquet");

        private async Task FlushShardAsync(CancellationToken cancellationToken)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            var path = Path.Combine(folder, ParquetFolder, $".{split}-{_shardFiles.Count:D5}.parquet.partial");
            await using (var file = File.Create(path))
            {
                await ParquetSerializer.SerializeUntypedAsync(_pending, schema, file, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            _shardFiles.Add(path);
            _pending.Clear();
        }

        public async ValueTask DisposeAsync()
        {
            if (_jsonl is not null)
            {
                await _jsonl.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
