using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet.Schema;
using Parquet.Serialization;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Store;

namespace Synth.Evaluation.Processor.Reports;

/// <param name="Rows">Split → rows written (splits with no rows are left out of the folder and the card).</param>
/// <param name="Columns">The dataset's columns, in order.</param>
public sealed record ExportResult(string Folder, IReadOnlyDictionary<string, long> Rows, IReadOnlyList<string> Columns, IReadOnlyDictionary<string, int> ParquetShards)
{
    public long TotalRows => Rows.Values.Sum();
}
