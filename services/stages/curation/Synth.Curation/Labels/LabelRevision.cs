using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;
using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

/// <param name="Change">For <see cref="RevisionAction.Relabel"/> the change to apply, for <see cref="RevisionAction.Flag"/> the one proposed.</param>
public sealed record LabelRevision(StudentPrediction Prediction, RevisionAction Action, LabelChange? Change);
