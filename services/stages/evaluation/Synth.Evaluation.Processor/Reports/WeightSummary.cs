using System.Text.Json;
using System.Text.Json.Serialization;
using Synth.Evaluation;
using Synth.Evaluation.Processor.Downstream;

namespace Synth.Evaluation.Processor.Reports;

public sealed record WeightSummary(double Min, double Mean, double Max, double Sum);
