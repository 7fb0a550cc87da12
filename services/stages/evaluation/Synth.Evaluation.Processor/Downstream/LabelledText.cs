using Microsoft.ML;
using Microsoft.ML.Data;

namespace Synth.Evaluation.Processor.Downstream;

/// <summary>One labelled text; <see cref="Weight"/> is its training importance (curation's sample weight).</summary>
public sealed record LabelledText(string Text, string Label, double Weight = 1.0);
