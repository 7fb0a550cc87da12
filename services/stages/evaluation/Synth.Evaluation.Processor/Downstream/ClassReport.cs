using Microsoft.ML;
using Microsoft.ML.Data;

namespace Synth.Evaluation.Processor.Downstream;

/// <summary>Per-class precision, recall and F1, with the class's number of test examples.</summary>
public sealed record ClassReport(string Label, double Precision, double Recall, double F1, long Support);
