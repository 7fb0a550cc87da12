using Synth.Contracts.Samples;
using Synth.Curation.Labels;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Curation.Processor.LabelRefinement;

/// <summary>
/// The streaming student: per job and fold, a model trained on the job's stored samples of the other folds only, so
/// it never labels a sample it learned from. A fold is (re)trained when its job has grown by the spec's retrainAfter
/// since the last attempt; until its training set reaches minTrainingSamples it reports "not enough data". It trains on
/// the confirmed labels only (<see cref="LabelMethods.IsConfirmed"/>) once there are minTrainingSamples of them.
/// </summary>
public sealed class StudentFoldModels(ISampleStore store, StudentInputs inputs)
{
    private readonly Dictionary<(string JobId, int Fold), (FoldModel Model, long JobSize)> _models = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<FoldModel> ForAsync(PipelineJob job, string sampleId, CancellationToken cancellationToken)
    {
        var spec = job.Spec.Curation.LabelRefinement.Student;
        var refiner = new StudentRefiner(StudentInputs.Labels(job.Spec), StudentInputs.Options(spec));
        var fold = refiner.FoldOf(sampleId);
        var counts = await store.CountAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        var jobSize = StudentInputs.TrainingStates.Sum(state => counts[state]);

        // One training at a time per process: training is CPU-bound and concurrent ones would only compete for cores.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_models.TryGetValue((job.JobId, fold), out var known)
                && jobSize < known.JobSize + spec.RetrainAfter
                && !(known.Model.Model is null && known.JobSize < spec.MinTrainingSamples && jobSize >= spec.MinTrainingSamples))
            {
                return known.Model;
            }

            var model = jobSize < spec.MinTrainingSamples
                ? new FoldModel(fold, null, 0, NotEnough(0, spec.MinTrainingSamples, fold, spec.Folds))
                : await TrainAsync(job, refiner, fold, cancellationToken).ConfigureAwait(false);
            _models[(job.JobId, fold)] = (model, jobSize);
            return model;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<FoldModel> TrainAsync(PipelineJob job, StudentRefiner refiner, int fold, CancellationToken cancellationToken)
    {
        var spec = job.Spec.Curation.LabelRefinement.Student;
        var labels = StudentInputs.Labels(job.Spec).ToHashSet(StringComparer.Ordinal);
        var training = new List<SampleDocument>();
        await foreach (var sample in store.ReadSamplesAsync(new SampleQuery { JobId = job.JobId, States = StudentInputs.TrainingStates, Limit = 500 }, cancellationToken).ConfigureAwait(false))
        {
            if (StudentInputs.Usable(sample) && labels.Contains(sample.Content.Label!) && refiner.FoldOf(sample.Id) != fold)
            {
                training.Add(sample);
            }
        }

        // Confirmed labels (agreed LLM votes, reviewers) are cleaner than the stream's own: the student learns from them
        // alone once there are enough, so it does not learn the generator's mistakes.
        var confirmed = training.Where(LabelMethods.IsConfirmed).ToList();
        if (confirmed.Count >= spec.MinTrainingSamples && confirmed.Select(sample => sample.Content.Label).Distinct(StringComparer.Ordinal).Count() >= 2)
        {
            training = confirmed;
        }

        if (training.Count < spec.MinTrainingSamples || training.Select(sample => sample.Content.Label).Distinct(StringComparer.Ordinal).Count() < 2)
        {
            return new FoldModel(fold, null, training.Count, NotEnough(training.Count, spec.MinTrainingSamples, fold, spec.Folds));
        }

        var students = await inputs.ToStudentSamplesAsync(training, spec, cancellationToken).ConfigureAwait(false);
        return new FoldModel(fold, refiner.Train(students, fold), training.Count, null);
    }

    private static string NotEnough(int have, int need, int fold, int folds) =>
        $"student: not enough data for fold {fold + 1} of {folds} ({have} labelled samples of at least two labels in the other folds, {need} needed)";
}
