using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Curation.Labels;
using Synth.Llm;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Curation.Processor.LabelRefinement;

/// <summary>
/// The built-in label refiner (curation.labelRefinement, docs/curation.md). For a classification sample: LLM
/// relabelling with k votes, then the held-out student of the sample's fold, combined by <see cref="LabelDecision"/> (a
/// student never overrides agreed LLM votes), each label change appended to the history with method, confidence and reason; then, if its confidence in the final label is low (or the student
/// flagged it) and the job's review budget allows, a pending review with the candidates. A sample of another task
/// type, or one a reviewer has labelled, passes with the reason recorded.
/// </summary>
public sealed partial class LabelRefinerProcessor : ISampleProcessor, IDisposable
{
    private readonly ISampleStore _store;
    private readonly IReviewStore _reviews;
    private readonly ConcurrentDictionary<string, ReviewTally> _reviewTallies = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger<LabelRefinerProcessor> _logger;
    private readonly StudentInputs _inputs = new();
    private readonly StudentFoldModels _students;
    private readonly LlmRelabeller _relabeller;

    /// <param name="clients">Builds the relabel model's client; the default reads API keys from the variables the spec names.</param>
    public LabelRefinerProcessor(ISampleStore store, IReviewStore reviews, ILoggerFactory loggerFactory, TimeProvider time, ChatClientFactory? clients = null)
    {
        _store = store;
        _reviews = reviews;
        _time = time;
        _logger = loggerFactory.CreateLogger<LabelRefinerProcessor>();
        _students = new StudentFoldModels(store, _inputs, _logger);
        _relabeller = new LlmRelabeller(loggerFactory, time, clients ?? new ChatClientFactory());
    }

    public Stage Stage => Stage.LabelRefiner;

    public async ValueTask<StageVerdict> ProcessAsync(SampleDocument sample, PipelineJob job, CancellationToken cancellationToken)
    {
        if (sample.TaskType != TaskType.TextClassification)
        {
            return Refined($"nothing to refine for task type {JsonNamingPolicy.KebabCaseLower.ConvertName(sample.TaskType.ToString())}");
        }

        if (!StudentInputs.Usable(sample))
        {
            return Refined("nothing to refine: the sample has no text or no label");
        }

        if (LabelMethods.IsHumanLabelled(sample))
        {
            return Refined("kept: a reviewer labelled this sample");
        }

        var spec = job.Spec.Curation.LabelRefinement;
        var now = _time.GetUtcNow();
        var decision = new Decision(sample, sample.Content.Label!);
        if (spec.LlmRelabel.Enabled)
        {
            await RelabelAsync(decision, job, spec.LlmRelabel, now, cancellationToken).ConfigureAwait(false);
        }

        if (spec.Student.Enabled)
        {
            await ConsultStudentAsync(decision, job, spec.Student, now, cancellationToken).ConfigureAwait(false);
        }

        if (decision.Votes is not null)
        {
            decision.Scores[LabelMethods.ConfirmedScore] = Evidence(decision, spec).VotesAgree && decision.Votes.Label == sample.Content.Label ? 1 : 0;
        }

        if (spec.Review.Enabled)
        {
            await MaybeQueueForReviewAsync(decision, job, spec.Review, now, cancellationToken).ConfigureAwait(false);
        }

        if (decision.Confidence is { } confidence)
        {
            decision.Scores["confidence"] = confidence;
        }

        LogDecided(_logger, sample.Id, sample.Content.Label, decision.Confidence, sample.Review?.Status == ReviewStatus.Pending);
        return new StageVerdict(SampleState.Refined, decision.Scores, decision.Reason);
    }

    public void Dispose()
    {
        _students.Dispose();
        _relabeller.Dispose();
        _inputs.Dispose();
    }

    private static StageVerdict Refined(string reason) => new(SampleState.Refined, null, reason);

    private async Task RelabelAsync(Decision decision, PipelineJob job, LlmRelabelSpec spec, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sample = decision.Sample;
        var votes = await _relabeller.VoteAsync(job, sample.Content.Text!, cancellationToken).ConfigureAwait(false);
        if (votes.Result is not { } result)
        {
            decision.Reasons.Add(votes.NotDone!);
            return;
        }

        decision.Votes = result;
        decision.Scores["llm-agreement"] = result.Agreement;
        var current = sample.Content.Label!;
        var tally = string.Join(", ", result.Counts.OrderByDescending(count => count.Value).Select(count => $"{count.Key} {count.Value}"));
        var invalid = votes.Invalid > 0 ? $", {votes.Invalid} without a label" : "";
        if (result.Label == current)
        {
            decision.Reasons.Add(Invariant($"llm relabel: {result.Votes} votes ({tally}{invalid}) keep '{current}', agreement {result.Agreement:0.###}"));
        }
        else if (result.Agreement >= spec.MinAgreement)
        {
            LabelMethods.Apply(sample, new LabelChange
            {
                From = current,
                To = result.Label,
                Method = LabelMethod.LlmRelabel,
                By = Invariant($"{votes.Model}, {votes.Requested} votes"),
                Confidence = result.Agreement,
                Reason = Invariant($"majority of {result.Votes} valid votes ({tally}{invalid}) is '{result.Label}' with agreement {result.Agreement:0.###} ≥ {spec.MinAgreement:0.###}"),
                At = now,
            });
            decision.Reasons.Add(Invariant($"llm relabel: '{current}' → '{result.Label}' ({tally})"));
        }
        else
        {
            decision.Candidates.Add(new ReviewCandidateLabel { Label = result.Label, Confidence = result.Agreement, Method = LabelMethod.LlmRelabel });
            if (result.Agreement > 0.5)
            {
                // Most votes, though too few to relabel: the evaluator's label quota weighs the sample as possibly this label.
                decision.Scores[DisputedLabel.Score(result.Label)] = result.Agreement;
            }
            decision.Reasons.Add(Invariant($"llm relabel: majority '{result.Label}' ({tally}{invalid}) below agreement {spec.MinAgreement:0.###}; '{current}' kept"));
        }
    }

    private async Task ConsultStudentAsync(Decision decision, PipelineJob job, StudentSpec spec, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sample = decision.Sample;
        var fold = await _students.ForAsync(job, sample.Id, cancellationToken).ConfigureAwait(false);
        if (fold.Model is not { } model)
        {
            decision.Reasons.Add(fold.NotReady!);
            return;
        }

        var student = await _inputs.ToStudentSamplesAsync([sample], spec, cancellationToken).ConfigureAwait(false);
        var revision = model.Predict(student, now)[0];
        var prediction = revision.Prediction;
        decision.Scores["student-probability"] = prediction.CurrentLabelProbability;
        var source = $"student (fold {fold.Fold + 1} of {spec.Folds}, trained on {fold.TrainingSamples} samples of the other folds)";
        decision.Student = prediction;
        var verdict = LabelDecision.Decide(Evidence(decision, job.Spec.Curation.LabelRefinement));
        switch (revision.Action)
        {
            case RevisionAction.Relabel when verdict.StudentOverruled:
                // A weaker signal never overrides a stronger one: the agreed LLM label stands; the disagreement lowers
                // the confidence, which may send the sample to review.
                decision.StudentConfidence = prediction.CurrentLabelProbability;
                decision.Candidates.Add(new ReviewCandidateLabel { Label = prediction.PredictedLabel, Confidence = prediction.Probability, Method = LabelMethod.StudentModel });
                decision.Reasons.Add(Invariant($"{source}: predicts '{prediction.PredictedLabel}' with probability {prediction.Probability:0.###}; the agreed LLM label '{prediction.CurrentLabel}' stands"));
                break;
            case RevisionAction.Relabel:
                LabelMethods.Apply(sample, revision.Change!);
                decision.StudentConfidence = prediction.Probability;
                decision.Reasons.Add(Invariant($"{source}: '{prediction.CurrentLabel}' → '{prediction.PredictedLabel}' with probability {prediction.Probability:0.###}"));
                break;
            case RevisionAction.Flag:
                decision.Flagged = true;
                decision.StudentConfidence = prediction.CurrentLabelProbability;
                decision.Candidates.Add(new ReviewCandidateLabel { Label = prediction.PredictedLabel, Confidence = prediction.Probability, Method = LabelMethod.StudentModel });
                decision.Reasons.Add(Invariant($"{source}: flags '{prediction.CurrentLabel}', predicts '{prediction.PredictedLabel}' with probability {prediction.Probability:0.###}"));
                break;
            default:
                decision.StudentConfidence = prediction.CurrentLabelProbability;
                decision.Reasons.Add(prediction.PredictedLabel == prediction.CurrentLabel
                    ? Invariant($"{source}: agrees with '{prediction.CurrentLabel}' ({prediction.Probability:0.###})")
                    : Invariant($"{source}: predicts '{prediction.PredictedLabel}' with probability {prediction.Probability:0.###} < {spec.MinConfidence:0.###}; label kept"));
                break;
        }
    }

    private async Task MaybeQueueForReviewAsync(Decision decision, PipelineJob job, ReviewSpec spec, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sample = decision.Sample;
        var tally = _reviewTallies.GetOrAdd(job.JobId, _ => new ReviewTally());
        tally.Decide();
        if (sample.Review is not null || (decision.Confidence is null && !decision.Flagged))
        {
            return;
        }

        var certainty = decision.Confidence ?? 0;
        if (!decision.Flagged && certainty >= spec.MaxConfidence)
        {
            return;
        }

        var budget = new ReviewBudget(spec.MaxFraction, spec.MaxCount);
        var storedQueued = (await _reviews.GetReviewProgressAsync(job.JobId, now, cancellationToken).ConfigureAwait(false)).Total;
        var counts = await _store.CountAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        // This sample counts as decided: it is being decided now.
        var storedDecided = counts[SampleState.Refined] + counts[SampleState.Evaluated] + 1;
        if (!tally.TryQueue(storedQueued, storedDecided, certainty, decision.Flagged, spec.MaxConfidence, budget, out var queued, out var decided))
        {
            decision.Reasons.Add(Invariant($"review: budget reached ({queued} of {StreamingReview.Limit(budget, decided)} tasks for {decided} samples); not queued"));
            return;
        }

        HumanReview.Request(sample, new ReviewTask(sample.Id, 1 - certainty), now);
        var why = decision.Flagged ? "the student flagged the label" : Invariant($"confidence {certainty:0.###} < {spec.MaxConfidence:0.###}");
        sample.Review!.Reason = why;
        sample.Review.Candidates = [new ReviewCandidateLabel { Label = sample.Content.Label!, Confidence = certainty, Method = LabelMethod.Current }, .. decision.Candidates];
        decision.Reasons.Add($"queued for review: {why}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static LabelEvidence Evidence(Decision decision, LabelRefinementSpec spec) =>
        new(decision.GeneratorLabel, Votes: decision.Votes, MinAgreement: spec.LlmRelabel.MinAgreement, Student: decision.Student, MinConfidence: spec.Student.MinConfidence);

    /// <summary>
    /// This instance's review decisions for one job. The stored counts lag the samples decided at once and not yet
    /// written, so the budget is checked against the larger of the stored and the local counts, one decision at a time.
    /// </summary>
    private sealed class ReviewTally
    {
        private readonly Lock _gate = new();
        private long _decided;
        private long _queued;

        public void Decide()
        {
            lock (_gate)
            {
                _decided++;
            }
        }

        public bool TryQueue(long storedQueued, long storedDecided, double certainty, bool flagged, double maxConfidence, ReviewBudget budget, out long queued, out long decided)
        {
            lock (_gate)
            {
                queued = Math.Max(storedQueued, _queued);
                decided = Math.Max(storedDecided, _decided);
                if (!StreamingReview.ShouldQueue(certainty, flagged, maxConfidence, budget, queued, decided))
                {
                    return false;
                }

                _queued = queued + 1;
                return true;
            }
        }
    }

    /// <summary>What the methods found about one sample, gathered into its verdict and review.</summary>
    private sealed class Decision(SampleDocument sample, string generatorLabel)
    {
        public SampleDocument Sample { get; } = sample;
        /// <summary>The label the sample reached this stage with.</summary>
        public string GeneratorLabel { get; } = generatorLabel;
        public StudentPrediction? Student { get; set; }
        public Dictionary<string, double> Scores { get; } = [];
        public List<string> Reasons { get; } = [];
        public List<ReviewCandidateLabel> Candidates { get; } = [];
        public VoteResult? Votes { get; set; }
        public double? StudentConfidence { get; set; }
        public bool Flagged { get; set; }

        /// <summary>The lowest confidence any method has in the final label; null when no method could judge it.</summary>
        public double? Confidence
        {
            get
            {
                var label = Sample.Content.Label!;
                double? llm = Votes is { } votes ? (double)votes.Counts.GetValueOrDefault(label) / votes.Votes : null;
                return (llm, StudentConfidence) switch
                {
                    ({ } a, { } b) => Math.Min(a, b),
                    ({ } a, null) => a,
                    (null, { } b) => b,
                    _ => null,
                };
            }
        }

        public string Reason => Reasons.Count == 0 ? "no refinement method enabled" : string.Join("; ", Reasons);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refined sample {SampleId}: label {Label}, confidence {Confidence}, queued for review {Queued}")]
    private static partial void LogDecided(ILogger logger, string sampleId, string? label, double? confidence, bool queued);
}
