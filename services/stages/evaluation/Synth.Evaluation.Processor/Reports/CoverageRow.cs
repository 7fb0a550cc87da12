using System.Text.Json;
using System.Text.Json.Serialization;
using Synth.Evaluation;
using Synth.Evaluation.Processor.Downstream;

namespace Synth.Evaluation.Processor.Reports;

/// <param name="Targets">Value → the share the job asked for.</param>
public sealed record CoverageRow(
    string Dimension, double Coverage, double Deviation, IReadOnlyDictionary<string, long> Counts, IReadOnlyDictionary<string, double> Targets);
