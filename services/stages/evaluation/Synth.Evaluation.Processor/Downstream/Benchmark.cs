using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Synth.Evaluation.Processor.Downstream;

/// <summary>A real labelled data set's train and test splits.</summary>
public sealed record Benchmark(string Name, IReadOnlyList<LabelledText> Train, IReadOnlyList<LabelledText> Test);
