using Microsoft.Extensions.Logging;
using Synth.Contracts.Jobs;
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
/// A fold's first model is trained while its sample waits; later ones train in the background while the current model
/// keeps answering, so no sample waits for a retraining (the model a sample meets is at most one retraining old).
/// </summary>
public sealed partial class StudentFoldModels(ISampleStore store, StudentInputs inputs, ILogger logger) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string JobId, int Fold), Trained> _models = [];
    // One training at a time per process: training is CPU-bound and concurrent ones would only compete for cores.
    private readonly SemaphoreSlim _training = new(1, 1);
    // Background retrainings stop with the processor, so none reads the store after its host stopped.
    private readonly CancellationTokenSource _stopping = new();

    public async Task<FoldModel> ForAsync(PipelineJob job, string sampleId, CancellationToken cancellationToken)
    {
        var spec = job.Spec.Curation.LabelRefinement.Student;
        var refiner = new StudentRefiner(StudentInputs.Labels(job.Spec), StudentInputs.Options(spec));
        var key = (job.JobId, refiner.FoldOf(sampleId));
        var counts = await store.CountAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        var jobSize = StudentInputs.TrainingStates.Sum(state => counts[state]);
        lock (_gate)
        {
            if (_models.TryGetValue(key, out var known))
            {
                if (!Stale(known, jobSize, spec))
                {
                    return known.Model;
                }

                if (known.Model.Model is not null)
                {
                    if (known.Retraining is null)
                    {
                        // RetrainAsync yields first and ends under this lock, so it finds its task stored here.
                        _models[key] = known with { Retraining = RetrainAsync(job, refiner, key, jobSize) };
                    }

                    return known.Model;
                }
            }
        }

        await _training.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                // Another sample of the fold may have trained it while this one waited.
                if (_models.TryGetValue(key, out var known) && !Stale(known, jobSize, spec))
                {
                    return known.Model;
                }
            }

            var model = jobSize < spec.MinTrainingSamples
                ? new FoldModel(key.Item2, null, 0, NotEnough(0, spec.MinTrainingSamples, key.Item2, spec.Folds))
                : await TrainAsync(job, refiner, key.Item2, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                // A retraining still running stays with the fold, so Dispose waits for it and no second one starts.
                _models[key] = new Trained(model, jobSize, _models.GetValueOrDefault(key)?.Retraining);
            }

            return model;
        }
        finally
        {
            _training.Release();
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        Task[] running;
        lock (_gate)
        {
            running = [.. _models.Values.Select(trained => trained.Retraining).OfType<Task>()];
        }

        // A retraining past its last store read finishes training in memory; it is not worth waiting long for.
        Task.WaitAll(running, TimeSpan.FromSeconds(10));
        _stopping.Dispose();
    }

    private static bool Stale(Trained known, long jobSize, StudentSpec spec) =>
        jobSize >= known.JobSize + spec.RetrainAfter
        || (known.Model.Model is null && known.JobSize < spec.MinTrainingSamples && jobSize >= spec.MinTrainingSamples);

    private async Task RetrainAsync(PipelineJob job, StudentRefiner refiner, (string JobId, int Fold) key, long jobSize)
    {
        await Task.Yield();
        FoldModel? model = null;
        try
        {
            await _training.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            model = await TrainAsync(job, refiner, key.Fold, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The current model keeps answering; the next sample of the fold tries again.
            LogRetrainFailed(logger, ex, key.JobId, key.Fold + 1);
        }
        finally
        {
            _training.Release();
        }

        lock (_gate)
        {
            var current = _models[key];
            _models[key] = model is null ? current with { Retraining = null } : new Trained(model, jobSize, Retraining: null);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retraining the student of job {JobId}, fold {Fold}, failed; its current model keeps answering")]
    private static partial void LogRetrainFailed(ILogger logger, Exception exception, string jobId, int fold);

    /// <param name="Retraining">The fold's background retraining while it runs; null otherwise.</param>
    private sealed record Trained(FoldModel Model, long JobSize, Task? Retraining);

    private static string NotEnough(int have, int need, int fold, int folds) =>
        $"student: not enough data for fold {fold + 1} of {folds} ({have} labelled samples of at least two labels in the other folds, {need} needed)";
}
