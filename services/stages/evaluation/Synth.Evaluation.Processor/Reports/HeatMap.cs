using System.Text.Json;
using System.Text.Json.Serialization;
using Synth.Evaluation;
using Synth.Evaluation.Processor.Downstream;

namespace Synth.Evaluation.Processor.Reports;

/// <param name="Cells">Cells[i][j]: samples with Rows[i] on the first dimension and Columns[j] on the second.</param>
public sealed record HeatMap(string RowDimension, string ColumnDimension, IReadOnlyList<string> Rows, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<long>> Cells);
