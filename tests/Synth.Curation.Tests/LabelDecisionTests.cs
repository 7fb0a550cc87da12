using Synth.Curation.Labels;

namespace Synth.Curation.Tests;

public sealed class LabelDecisionTests
{
    private static readonly string[] Labels = ["negative", "positive"];

    [Fact]
    public void A_human_label_wins_over_every_other_signal()
    {
        var decision = LabelDecision.Decide(new LabelEvidence("positive", HumanLabel: "negative", Votes: Votes("positive", 3, 3), Student: Student("positive", 0.99)));

        Assert.Equal(new LabelDecision("negative", LabelSource.Human, Confirmed: true, StudentOverruled: true), decision);
    }

    [Fact]
    public void A_confident_student_never_undoes_a_unanimous_llm_relabel()
    {
        // The case of issue 12: hobbies → news by 3 of 3 votes, then the student (0.91) back to hobbies.
        var decision = LabelDecision.Decide(new LabelEvidence("hobbies", Votes: Votes("news", 3, 3), Student: Student("hobbies", 0.91)));

        Assert.Equal(new LabelDecision("news", LabelSource.LlmVotes, Confirmed: true, StudentOverruled: true), decision);
    }

    [Fact]
    public void Votes_below_the_agreement_bar_leave_the_decision_to_a_confident_student()
    {
        var split = Votes("positive", 1, 2);

        Assert.Equal(new LabelDecision("negative", LabelSource.Student, false, false),
            LabelDecision.Decide(new LabelEvidence("positive", Votes: split, MinAgreement: 0.67, Student: Student("negative", 0.95))));
        Assert.Equal(new LabelDecision("positive", LabelSource.Generator, false, false),
            LabelDecision.Decide(new LabelEvidence("positive", Votes: split, MinAgreement: 0.67, Student: Student("negative", 0.8), MinConfidence: 0.9)));
    }

    [Fact]
    public void Agreed_votes_for_the_generators_label_confirm_it()
    {
        var decision = LabelDecision.Decide(new LabelEvidence("positive", Votes: Votes("positive", 3, 3), Student: Student("positive", 0.7)));

        Assert.Equal(new LabelDecision("positive", LabelSource.LlmVotes, Confirmed: true, StudentOverruled: false), decision);
    }

    [Fact]
    public void Without_evidence_the_generators_label_stands_unconfirmed()
    {
        Assert.Equal(new LabelDecision("positive", LabelSource.Generator, false, false), LabelDecision.Decide(new LabelEvidence("positive")));
    }

    [Fact]
    public void Class_weights_keep_a_student_trained_on_a_skewed_set_from_predicting_only_the_majority()
    {
        // Nine positive sentences to one negative, clean labels: the minority's recall on held-out sentences is what skew costs.
        var sentences = UciSentences.Load3000();
        var random = new Random(5);
        var negatives = sentences.Where(s => s.Label == 0).OrderBy(_ => random.Next()).ToList();
        var positives = sentences.Where(s => s.Label == 1).OrderBy(_ => random.Next()).ToList();
        var training = positives.Take(900).Concat(negatives.Take(100)).Select(s => new StudentSample(s.Id, s.Text, Labels[s.Label])).ToList();
        var heldOut = negatives.Skip(100).Take(300).Select(s => new StudentSample(s.Id, s.Text, "negative")).ToList();

        double MinorityRecall(bool balance)
        {
            var refiner = new StudentRefiner(Labels, new StudentOptions(Folds: 2, Seed: 3, BalanceClasses: balance));
            var fold = refiner.FoldOf(heldOut[0].SampleId);
            var model = refiner.Train([.. training.Where(s => refiner.FoldOf(s.SampleId) != fold)], fold);
            var own = heldOut.Where(s => refiner.FoldOf(s.SampleId) == fold).ToList();
            return (double)model.Predict(own, DateTimeOffset.UnixEpoch).Count(r => r.Prediction.PredictedLabel == "negative") / own.Count;
        }

        var unweighted = MinorityRecall(balance: false);
        var weighted = MinorityRecall(balance: true);

        Assert.True(weighted > unweighted + 0.1, $"minority recall {weighted:0.###} with class weights, {unweighted:0.###} without");
    }

    private static VoteResult Votes(string label, int count, int of) =>
        new(label, (double)count / of, new Dictionary<string, int> { [label] = count }, of);

    private static StudentPrediction Student(string label, double probability) =>
        new("s", 0, "current", label, probability, 1 - probability);
}
