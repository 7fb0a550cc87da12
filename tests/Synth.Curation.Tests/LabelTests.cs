using Synth.Contracts.Samples;
using Synth.Curation.Labels;

namespace Synth.Curation.Tests;

public sealed class LabelTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly string[] Labels = ["negative", "positive"];

    [Fact]
    public void Votes_give_the_majority_and_its_share_as_confidence()
    {
        var result = SelfConsistency.Aggregate(["positive", "negative", "positive", "positive", "neutral"]);
        Assert.Equal("positive", result.Label);
        Assert.Equal(0.6, result.Agreement, 12);
        Assert.Equal(3, result.Counts["positive"]);
        Assert.Equal(5, result.Votes);
    }

    [Fact]
    public void A_tied_vote_goes_to_the_label_set_order_then_to_the_ordinal_order_whatever_the_vote_order()
    {
        Assert.Equal("positive", SelfConsistency.Aggregate(["negative", "positive"], ["positive", "negative"]).Label);
        Assert.Equal("positive", SelfConsistency.Aggregate(["positive", "negative"], ["positive", "negative"]).Label);
        Assert.Equal("negative", SelfConsistency.Aggregate(["positive", "negative"]).Label);
        Assert.Equal("negative", SelfConsistency.Aggregate(["positive", "negative"], ["other"]).Label);
        Assert.Throws<ArgumentException>(() => SelfConsistency.Aggregate([]));
    }

    [Fact]
    public void Folds_are_deterministic_and_roughly_even()
    {
        Assert.Equal(FoldAssignment.Fold("job-r000001-0", 5, 3), FoldAssignment.Fold("job-r000001-0", 5, 3));
        var sizes = Enumerable.Range(0, 5000).GroupBy(i => FoldAssignment.Fold($"sample-{i}", 5)).Select(group => group.Count()).ToList();
        Assert.Equal(5, sizes.Count);
        Assert.All(sizes, size => Assert.InRange(size, 900, 1100));
        Assert.NotEqual(
            Enumerable.Range(0, 50).Select(i => FoldAssignment.Fold($"s{i}", 5, 1)),
            Enumerable.Range(0, 50).Select(i => FoldAssignment.Fold($"s{i}", 5, 2)));
    }

    [Fact]
    public void Review_selection_takes_the_least_confident_first_within_the_budget()
    {
        ReviewCandidate[] candidates = [new("e", 0.9), new("b", 0.2), new("d", 0.5), new("a", 0.5), new("c", 0.99), new("f", 1.0)];
        var byFraction = ReviewSelector.Select(candidates, new ReviewBudget(MaxFraction: 0.5));
        Assert.Equal(["b", "a", "d"], byFraction.Select(task => task.SampleId));
        Assert.Equal(0.8, byFraction[0].Priority, 12);

        Assert.Equal(["b", "a"], ReviewSelector.Select(candidates, new ReviewBudget(MaxFraction: 0.5, MaxCount: 2)).Select(task => task.SampleId));
        Assert.Equal(["b", "a", "d", "e", "c"], ReviewSelector.Select(candidates, new ReviewBudget()).Select(task => task.SampleId));
        Assert.Equal(["b", "a", "d"], ReviewSelector.Select(candidates, new ReviewBudget(MaxCount: 10), maxConfidence: 0.9).Select(task => task.SampleId));
    }

    [Fact]
    public void A_reviewers_label_overrides_and_the_history_is_complete()
    {
        var sample = new SampleDocument
        {
            Id = "job-r000001-0",
            JobId = "job",
            TaskType = TaskType.TextClassification,
            Content = new SampleContent { Text = "Not bad at all.", Label = "negative" },
            Provenance = new Provenance { RequestId = "job-r000001" },
            LabelHistory = [new LabelChange { To = "negative", Method = LabelMethod.Generator, By = "model-x", At = At }],
        };
        var studentChange = new LabelChange { From = "negative", To = "positive", Method = LabelMethod.StudentModel, Confidence = 0.8, At = At };
        LabelMethods.Apply(sample, studentChange);
        HumanReview.Request(sample, new ReviewTask(sample.Id, 0.2), At);
        Assert.Equal(ReviewStatus.Pending, sample.Review!.Status);
        Assert.False(LabelMethods.IsHumanLabelled(sample));

        var human = HumanReview.Submit(sample, "negative", "ana", At.AddHours(1));

        Assert.Equal("negative", sample.Content.Label);
        Assert.Equal([LabelMethod.Generator, LabelMethod.StudentModel, LabelMethod.HumanReview], sample.LabelHistory.Select(change => change.Method));
        Assert.Equal(("positive", "negative", "ana", 1.0), (human.From, human.To, human.By, human.Confidence!.Value));
        Assert.Equal("reviewer corrected the label", human.Reason);
        Assert.Equal((ReviewStatus.Labelled, "ana", "negative", At.AddHours(1)), (sample.Review.Status, sample.Review.Reviewer, sample.Review.Label, sample.Review.CompletedAt!.Value));
        Assert.True(LabelMethods.IsHumanLabelled(sample));
        // A change computed against an earlier label (here the student's) no longer applies.
        Assert.Throws<InvalidOperationException>(() => LabelMethods.Apply(sample, new LabelChange { From = "positive", To = "negative", Method = LabelMethod.StudentModel }));
    }

    [Fact]
    public void The_student_relabels_a_confident_disagreement_flags_it_by_policy_and_never_touches_a_human_label()
    {
        var samples = Clear(copies: 60);
        samples.Add(new StudentSample("odd", "good great lovely good", "negative"));
        samples.Add(new StudentSample("locked", "good great lovely great", "negative", HumanLabelled: true));

        var relabel = new StudentRefiner(Labels, new StudentOptions(MinConfidence: 0.8)).Refine(samples, At);
        var odd = relabel.Single(revision => revision.Prediction.SampleId == "odd");
        Assert.Equal(RevisionAction.Relabel, odd.Action);
        Assert.Equal(("negative", "positive", LabelMethod.StudentModel, At), (odd.Change!.From, odd.Change.To, odd.Change.Method, odd.Change.At));
        Assert.True(odd.Change.Confidence >= 0.8);
        Assert.Equal(FoldAssignment.Fold("odd", 5), odd.Prediction.Fold);
        Assert.Equal(RevisionAction.Keep, relabel.Single(revision => revision.Prediction.SampleId == "locked").Action);
        Assert.Equal("positive", relabel.Single(revision => revision.Prediction.SampleId == "locked").Prediction.PredictedLabel);
        Assert.Equal(samples.Select(sample => sample.SampleId), relabel.Select(revision => revision.Prediction.SampleId));

        var flag = new StudentRefiner(Labels, new StudentOptions(MinConfidence: 0.8, Policy: DisagreementPolicy.Flag)).Refine(samples, At);
        Assert.Equal(RevisionAction.Flag, flag.Single(revision => revision.Prediction.SampleId == "odd").Action);
        Assert.Equal(relabel.Select(revision => revision.Prediction), flag.Select(revision => revision.Prediction));
    }

    [Fact]
    public void No_model_labels_data_it_was_trained_on()
    {
        // Each text is unique tokens with a random label: only a model that saw a sample can know its label.
        var random = new Random(3);
        var samples = Enumerable.Range(0, 400)
            .Select(i => new StudentSample($"m{i}", $"tok{i}a tok{i}b tok{i}c", Labels[random.Next(2)]))
            .ToList();
        var revisions = new StudentRefiner(Labels, new StudentOptions(MinConfidence: 0.99, CharNgramLength: 0)).Refine(samples, At);
        var agreement = revisions.Count(revision => revision.Prediction.PredictedLabel == revision.Prediction.CurrentLabel) / (double)samples.Count;
        // A model that had seen the samples would reproduce nearly all labels; held-out predictions are chance.
        Assert.InRange(agreement, 0.35, 0.65);
    }

    [Fact]
    public void The_student_can_learn_from_precomputed_embeddings()
    {
        var random = new Random(5);
        float Jitter() => (float)(random.NextDouble() * 0.2 - 0.1);
        var samples = Enumerable.Range(0, 100)
            .Select(i => new StudentSample($"e{i}", "", Labels[i % 2]) { Embedding = i % 2 == 0 ? new[] { 1 + Jitter(), Jitter() } : new[] { Jitter(), 1 + Jitter() } })
            .Append(new StudentSample("odd", "", "negative") { Embedding = new[] { 0.05f, 1.05f } })
            .ToList();
        var revisions = new StudentRefiner(Labels, new StudentOptions(MinConfidence: 0.6, Features: StudentFeatures.Embedding)).Refine(samples, At);
        Assert.Equal(RevisionAction.Relabel, revisions.Single(revision => revision.Prediction.SampleId == "odd").Action);
        Assert.Equal(100, revisions.Count(revision => revision.Prediction.SampleId != "odd" && revision.Prediction.PredictedLabel == revision.Prediction.CurrentLabel));
        Assert.Throws<ArgumentException>(() => new StudentRefiner(Labels, new StudentOptions(Features: StudentFeatures.TextAndEmbedding)).Refine([new StudentSample("x", "t", "negative")], At));
    }

    private static List<StudentSample> Clear(int copies) =>
    [
        .. Enumerable.Range(0, copies).Select(i => new StudentSample($"p{i}", $"good great lovely item{i}", "positive")),
        .. Enumerable.Range(0, copies).Select(i => new StudentSample($"n{i}", $"bad awful terrible item{i}", "negative")),
    ];
}
