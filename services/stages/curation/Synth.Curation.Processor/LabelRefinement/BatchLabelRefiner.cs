using System.Globalization;
using Synth.Contracts.Samples;
using Synth.Curation.Labels;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Curation.Processor.LabelRefinement;

/// <summary>
/// The batch pass (<c>synth refine</c>): the full K-fold cross-partition student over everything a job has stored —
/// each fold labelled by a model trained on the other folds only — with every change recorded on the sample, and the
/// least confident samples queued for review within the job's budget (tasks already queued count against it).
/// A human-labelled sample is trained on but never changed.
/// </summary>
public sealed class BatchLabelRefiner(ISampleStore store, IReviewStore reviews, TimeProvider time, StudentInputs inputs)
{
    public async Task<BatchRefineReport> RefineAsync(PipelineJob job, CancellationToken cancellationToken)
    {
        if (job.Spec.Task.Type != TaskType.TextClassification)
        {
            throw new InvalidOperationException($"Job '{job.JobId}' is a {job.Spec.Task.Type} job; label refinement applies to text-classification only.");
        }

        var spec = job.Spec.Curation.LabelRefinement;
        var samples = new List<SampleDocument>();
        await foreach (var sample in store.ReadSamplesAsync(new SampleQuery { JobId = job.JobId, States = StudentInputs.TrainingStates, Limit = 500 }, cancellationToken).ConfigureAwait(false))
        {
            if (StudentInputs.Usable(sample))
            {
                samples.Add(sample);
            }
        }

        if (!spec.Student.Enabled)
        {
            return new BatchRefineReport(samples.Count, 0, 0, 0, 0, "curation.labelRefinement.student.enabled is false");
        }

        if (samples.Count < spec.Student.MinTrainingSamples)
        {
            return new BatchRefineReport(samples.Count, 0, 0, 0, 0,
                string.Create(CultureInfo.InvariantCulture, $"not enough data: {samples.Count} samples, student.minTrainingSamples is {spec.Student.MinTrainingSamples}"));
        }

        var now = time.GetUtcNow();
        var students = await inputs.ToStudentSamplesAsync(samples, spec.Student, cancellationToken).ConfigureAwait(false);
        var revisions = new StudentRefiner(StudentInputs.Labels(job.Spec), StudentInputs.Options(spec.Student)).Refine(students, now);

        var byId = samples.ToDictionary(sample => sample.Id, StringComparer.Ordinal);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var candidates = new List<ReviewCandidate>();
        var proposals = new Dictionary<string, LabelChange>(StringComparer.Ordinal);
        int relabelled = 0, flagged = 0;
        foreach (var revision in revisions)
        {
            var sample = byId[revision.Prediction.SampleId];
            var confidence = revision.Prediction.CurrentLabelProbability;
            switch (revision.Action)
            {
                case RevisionAction.Relabel:
                    LabelMethods.Apply(sample, revision.Change!);
                    changed.Add(sample.Id);
                    confidence = revision.Prediction.Probability;
                    relabelled++;
                    break;
                case RevisionAction.Flag:
                    proposals[sample.Id] = revision.Change!;
                    flagged++;
                    break;
            }

            if (sample.Review is null && !LabelMethods.IsHumanLabelled(sample))
            {
                candidates.Add(new ReviewCandidate(sample.Id, confidence));
            }
        }

        var queued = 0;
        if (spec.Review.Enabled)
        {
            var existing = (await reviews.GetReviewProgressAsync(job.JobId, now, cancellationToken).ConfigureAwait(false)).Total;
            var room = StreamingReview.Limit(new ReviewBudget(spec.Review.MaxFraction, spec.Review.MaxCount), samples.Count) - existing;
            var tasks = ReviewSelector.Select(candidates, new ReviewBudget(MaxCount: (int)Math.Clamp(room, 0, int.MaxValue)), spec.Review.MaxConfidence);
            foreach (var task in tasks)
            {
                var sample = byId[task.SampleId];
                HumanReview.Request(sample, task, now);
                sample.Review!.Reason = string.Create(CultureInfo.InvariantCulture, $"batch refine: student confidence {1 - task.Priority:0.###} < {spec.Review.MaxConfidence:0.###}");
                sample.Review.Candidates = [new ReviewCandidateLabel { Label = sample.Content.Label!, Confidence = 1 - task.Priority, Method = LabelMethod.Current }];
                if (proposals.TryGetValue(sample.Id, out var proposal))
                {
                    sample.Review.Candidates.Add(new ReviewCandidateLabel { Label = proposal.To, Confidence = proposal.Confidence ?? 0, Method = LabelMethod.StudentModel });
                }

                changed.Add(sample.Id);
                queued++;
            }
        }

        var movedOn = 0;
        foreach (var id in changed)
        {
            var sample = byId[id];
            sample.UpdatedAt = now;
            // Written only over the version read: a stage or a reviewer that wrote the sample since wins; this pass's
            // change waits for a rerun.
            movedOn += await store.TryReplaceSampleAsync(sample, sample.Version, cancellationToken).ConfigureAwait(false) ? 0 : 1;
        }

        return new BatchRefineReport(samples.Count, relabelled, flagged, queued, movedOn);
    }
}
