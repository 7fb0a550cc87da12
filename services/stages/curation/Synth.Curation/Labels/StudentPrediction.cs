using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;
using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

/// <param name="Probability">The student's probability of <paramref name="PredictedLabel"/>.</param>
/// <param name="CurrentLabelProbability">The student's probability of the current label: a confidence for weighting and review.</param>
public sealed record StudentPrediction(string SampleId, int Fold, string CurrentLabel, string PredictedLabel, double Probability, double CurrentLabelProbability);
