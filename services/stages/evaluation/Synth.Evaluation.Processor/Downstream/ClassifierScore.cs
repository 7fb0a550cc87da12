using Microsoft.ML;
using Microsoft.ML.Data;

namespace Synth.Evaluation.Processor.Downstream;

/// <param name="Confusion">Confusion[i][j]: test examples of Labels[i] predicted as Labels[j].</param>
public sealed record ClassifierScore(
    long TrainSize, double Accuracy, double MacroF1, IReadOnlyList<ClassReport> PerClass, IReadOnlyList<string> Labels, IReadOnlyList<IReadOnlyList<long>> Confusion);
