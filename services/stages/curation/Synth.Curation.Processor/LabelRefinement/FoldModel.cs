using Synth.Contracts.Samples;
using Synth.Curation.Labels;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Curation.Processor.LabelRefinement;

/// <summary>A fold's model, or why there is none yet.</summary>
/// <param name="TrainingSamples">Usable samples of the other folds when it was (or could not be) trained.</param>
public sealed record FoldModel(int Fold, StudentRefiner.StudentModel? Model, int TrainingSamples, string? NotReady);
