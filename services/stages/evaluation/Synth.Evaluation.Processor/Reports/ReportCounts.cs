using System.Text.Json;
using System.Text.Json.Serialization;
using Synth.Evaluation;
using Synth.Evaluation.Processor.Downstream;

namespace Synth.Evaluation.Processor.Reports;

/// <param name="CostUsd">Summed over every stored sample's share of its request's cost.</param>
/// <param name="Target">The job's <c>generation.target</c>: how many curated samples it asked for.</param>
public sealed record ReportCounts(
    int Target,
    IReadOnlyDictionary<string, long> SamplesByState,
    long RequestsSucceeded,
    long RequestsFailed,
    long Failures,
    long PromptTokens,
    long CompletionTokens,
    decimal CostUsd);
