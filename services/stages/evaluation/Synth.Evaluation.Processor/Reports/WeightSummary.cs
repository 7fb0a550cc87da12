using System.Text.Json;
using System.Text.Json.Serialization;
using Synth.Evaluation;
using Synth.Evaluation.Downstream;

namespace Synth.Reports;

public sealed record WeightSummary(double Min, double Mean, double Max, double Sum);
