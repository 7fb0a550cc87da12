using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Samples;
using Synth.Curation.Labels;
using Synth.Curation.Processor.LabelRefinement;
using Synth.Llm;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Curation.Processor.Tests.LabelRefinement;

public sealed class LabelRefinerProcessorTests
{
    private static readonly string[] PositiveWords = ["great", "wonderful", "excellent", "love", "perfect", "happy", "superb", "delightful"];
    private static readonly string[] NegativeWords = ["terrible", "awful", "broken", "hate", "worst", "refund", "useless", "disappointing"];

    private static LabelRefinerProcessor Processor(RefinerFixture fixture) =>
        new(fixture.Store, fixture.Stores.Reviews, NullLoggerFactory.Instance, new FixedTime(RefinerFixture.Now), new ChatClientFactory(readEnvironment: _ => null));

    private static string Review(int i, bool positive)
    {
        var words = positive ? PositiveWords : NegativeWords;
        return $"{words[i % words.Length]} and {words[(i * 3 + 1) % words.Length]} product number {i}";
    }

    /// <summary>Stores <paramref name="count"/> clearly worded, correctly labelled accepted samples.</summary>
    private static async Task StoreCleanSamplesAsync(RefinerFixture fixture, string jobId, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            var positive = i % 2 == 0;
            await fixture.Store.SaveSampleAsync(RefinerFixture.Sample(jobId, i, Review(i, positive), positive ? "positive" : "negative"), CancellationToken.None);
        }
    }

    [Fact]
    public async Task Other_task_types_pass_through_with_the_reason_recorded()
    {
        await using var fixture = await RefinerFixture.CreateAsync();
        using var processor = Processor(fixture);
        var job = RefinerFixture.Job("qa-job", type: "question-answering");
        var sample = RefinerFixture.Sample(job.JobId, 1, "t", "x", taskType: TaskType.QuestionAnswering);

        var verdict = await processor.ProcessAsync(sample, job, CancellationToken.None);

        Assert.Equal((SampleState.Refined, "nothing to refine for task type question-answering"), (verdict.Outcome, verdict.Reason));
        Assert.Single(sample.LabelHistory);
        Assert.Null(sample.Review);
    }

    [Fact]
    public async Task Without_a_section_and_without_data_the_student_records_not_enough_data()
    {
        await using var fixture = await RefinerFixture.CreateAsync();
        using var processor = Processor(fixture);
        var job = RefinerFixture.Job("small-job");
        await StoreCleanSamplesAsync(fixture, job.JobId, 10);
        var sample = RefinerFixture.Sample(job.JobId, 99, "great stuff", "negative");

        var verdict = await processor.ProcessAsync(sample, job, CancellationToken.None);

        Assert.Equal(SampleState.Refined, verdict.Outcome);
        Assert.StartsWith("student: not enough data for fold", verdict.Reason, StringComparison.Ordinal);
        Assert.Equal("negative", sample.Content.Label);
        Assert.Null(sample.Review);
    }

    [Fact]
    public async Task The_held_out_student_relabels_a_confident_disagreement_and_records_it()
    {
        await using var fixture = await RefinerFixture.CreateAsync();
        using var processor = Processor(fixture);
        var job = RefinerFixture.Job("student-job", "student: { minTrainingSamples: 100, minConfidence: 0.6 }");
        await StoreCleanSamplesAsync(fixture, job.JobId, 200);
        var sample = RefinerFixture.Sample(job.JobId, 500, "great and wonderful product, love it", "negative");

        var verdict = await processor.ProcessAsync(sample, job, CancellationToken.None);

        Assert.Equal("positive", sample.Content.Label);
        var change = sample.LabelHistory[^1];
        Assert.Equal(("negative", "positive", LabelMethod.StudentModel), (change.From, change.To, change.Method));
        Assert.True(change.Confidence >= 0.6);
        Assert.Equal(RefinerFixture.Now, change.At);
        var fold = FoldAssignment.Fold(sample.Id, 5);
        var otherFolds = Enumerable.Range(1, 200).Count(i => FoldAssignment.Fold(SampleIds.For(job.JobId, i, 0), 5) != fold);
        // The model for the sample's fold was trained on exactly the stored samples of the other folds.
        Assert.Contains($"fold {fold + 1} of 5, trained on {otherFolds} samples of the other folds", verdict.Reason, StringComparison.Ordinal);
        Assert.True(verdict.Scores!["student-probability"] < 0.4);
    }

    [Fact]
    public void A_fold_model_never_trains_on_its_own_fold()
    {
        var refiner = new StudentRefiner(["negative", "positive"], new StudentOptions(Folds: 3));
        var samples = Enumerable.Range(1, 60).Select(i => new StudentSample($"s{i}", Review(i, i % 2 == 0), i % 2 == 0 ? "positive" : "negative")).ToList();
        var own = samples.First(sample => refiner.FoldOf(sample.SampleId) == 0);

        Assert.Throws<ArgumentException>(() => refiner.Train(samples, fold: 0));
        var model = refiner.Train([.. samples.Where(sample => refiner.FoldOf(sample.SampleId) != 0)], fold: 0);
        Assert.Throws<ArgumentException>(() => model.Predict([samples.First(sample => refiner.FoldOf(sample.SampleId) == 1)], RefinerFixture.Now));
        Assert.Single(model.Predict([own], RefinerFixture.Now));
    }

    [Fact]
    public async Task Llm_votes_relabel_when_the_majority_agrees_enough()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Enqueue(ScriptedReply.Answer("positive"), ScriptedReply.Answer("Positive."), ScriptedReply.Answer("negative"));
        await using var fixture = await RefinerFixture.CreateAsync();
        using var processor = Processor(fixture);
        var job = RefinerFixture.Job("llm-job", $"llmRelabel: {{ enabled: true, votes: 3, minAgreement: 0.6, model: {{ baseUrl: \"{server.BaseUrl}\", model: judge }} }}\nstudent: {{ enabled: false }}");
        var sample = RefinerFixture.Sample(job.JobId, 1, "It works, I am pleased.", "negative");

        var verdict = await processor.ProcessAsync(sample, job, CancellationToken.None);

        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, request => Assert.Equal("judge", request.Body["model"]!.GetValue<string>()));
        Assert.Contains("It works, I am pleased.", server.Requests[0].Body.ToJsonString(), StringComparison.Ordinal);
        var change = sample.LabelHistory[^1];
        Assert.Equal(("negative", "positive", LabelMethod.LlmRelabel, "judge, 3 votes"), (change.From, change.To, change.Method, change.By));
        Assert.Equal(2.0 / 3, change.Confidence!.Value, 6);
        Assert.Equal(2.0 / 3, verdict.Scores!["llm-agreement"], 6);
        Assert.Null(sample.Review);
    }

    [Fact]
    public async Task A_split_vote_keeps_the_label_and_queues_the_sample_with_its_candidates()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Enqueue(ScriptedReply.Answer("positive"), ScriptedReply.Answer("negative"), ScriptedReply.Answer("I cannot tell"));
        await using var fixture = await RefinerFixture.CreateAsync();
        using var processor = Processor(fixture);
        var job = RefinerFixture.Job("split-job", $"llmRelabel: {{ enabled: true, votes: 3, model: {{ baseUrl: \"{server.BaseUrl}\", model: judge }} }}\nstudent: {{ enabled: false }}\nreview: {{ maxFraction: 1 }}");
        var sample = RefinerFixture.Sample(job.JobId, 1, "Fine, I guess.", "positive");

        var verdict = await processor.ProcessAsync(sample, job, CancellationToken.None);

        // positive 1, negative 1 (a tie goes to the first label, negative), one answer without a label.
        Assert.Equal("positive", sample.Content.Label);
        Assert.Single(sample.LabelHistory);
        Assert.Contains("1 without a label", verdict.Reason, StringComparison.Ordinal);
        Assert.Equal(ReviewStatus.Pending, sample.Review!.Status);
        Assert.Equal(0.5, sample.Review.Priority, 6);
        Assert.Equal([("positive", LabelMethod.Current), ("negative", LabelMethod.LlmRelabel)], sample.Review.Candidates.Select(c => (c.Label, c.Method)));
        Assert.Equal(0.5, verdict.Scores!["confidence"], 6);
        // A tie is no majority: nothing for the label quota to weigh.
        Assert.DoesNotContain(verdict.Scores.Keys, name => name.StartsWith(DisputedLabel.ScorePrefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_majority_below_the_agreement_bar_keeps_the_label_and_records_the_label_it_named()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Enqueue(ScriptedReply.Answer("positive"), ScriptedReply.Answer("positive"), ScriptedReply.Answer("negative"));
        await using var fixture = await RefinerFixture.CreateAsync();
        using var processor = Processor(fixture);
        var job = RefinerFixture.Job("majority-job", $"llmRelabel: {{ enabled: true, votes: 3, model: {{ baseUrl: \"{server.BaseUrl}\", model: judge }} }}\nstudent: {{ enabled: false }}");
        var sample = RefinerFixture.Sample(job.JobId, 1, "It works, I am pleased.", "negative");

        var verdict = await processor.ProcessAsync(sample, job, CancellationToken.None);

        // 2 of 3 is below the default agreement 0.67: the label stays, and the majority is on record.
        Assert.Equal("negative", sample.Content.Label);
        Assert.Equal(2.0 / 3, verdict.Scores![DisputedLabel.Score("positive")], 6);
        Assert.Equal(0, verdict.Scores[LabelMethods.ConfirmedScore]);
    }

    [Fact]
    public async Task The_request_budget_stops_relabelling_and_says_so()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Default = ScriptedReply.Answer("positive");
        await using var fixture = await RefinerFixture.CreateAsync();
        using var processor = Processor(fixture);
        var job = RefinerFixture.Job("budget-job", $"llmRelabel: {{ enabled: true, votes: 2, maxRequests: 3, model: {{ baseUrl: \"{server.BaseUrl}\", model: judge }} }}\nstudent: {{ enabled: false }}");

        await processor.ProcessAsync(RefinerFixture.Sample(job.JobId, 1, "a", "positive"), job, CancellationToken.None);
        var second = await processor.ProcessAsync(RefinerFixture.Sample(job.JobId, 2, "b", "negative"), job, CancellationToken.None);

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal("llm relabel: the job's budget of 3 requests is used up", second.Reason);
    }

    [Fact]
    public async Task The_review_budget_caps_the_queue_and_the_reason_says_so()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        await using var fixture = await RefinerFixture.CreateAsync();
        using var processor = Processor(fixture);
        var job = RefinerFixture.Job("cap-job", $"llmRelabel: {{ enabled: true, votes: 2, minAgreement: 1, model: {{ baseUrl: \"{server.BaseUrl}\", model: judge }} }}\nstudent: {{ enabled: false }}\nreview: {{ maxFraction: 1, maxCount: 1 }}");
        var reasons = new List<string?>();
        for (var i = 1; i <= 2; i++)
        {
            var sample = RefinerFixture.Sample(job.JobId, i, "meh", "positive");
            // A split vote: the label is kept at confidence 0.5, below the review threshold.
            server.Enqueue(ScriptedReply.Answer("negative"), ScriptedReply.Answer("positive"));
            var verdict = await processor.ProcessAsync(sample, job, CancellationToken.None);
            reasons.Add(verdict.Reason);
            sample.State = SampleState.Refined;
            await fixture.Store.SaveSampleAsync(sample, CancellationToken.None);
        }

        Assert.Equal(new ReviewProgress(1, 0, 0), await fixture.Stores.Reviews.GetReviewProgressAsync(job.JobId, RefinerFixture.Now, CancellationToken.None));
        Assert.Contains("budget reached (1 of 1 tasks", reasons[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Samples_decided_at_once_before_any_is_stored_queue_no_more_than_the_review_budget()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        // Alternating answers split every sample's two votes: each is kept at confidence 0.5, below the review threshold.
        var answer = 0;
        server.Responder = _ => ScriptedReply.Answer(Interlocked.Increment(ref answer) % 2 == 0 ? "positive" : "negative");
        await using var fixture = await RefinerFixture.CreateAsync();
        using var processor = Processor(fixture);
        var job = RefinerFixture.Job("concurrent-cap-job", $"llmRelabel: {{ enabled: true, votes: 2, minAgreement: 1, model: {{ baseUrl: \"{server.BaseUrl}\", model: judge }} }}\nstudent: {{ enabled: false }}\nreview: {{ maxFraction: 0.25 }}");
        for (var i = 101; i <= 112; i++)
        {
            var earlier = RefinerFixture.Sample(job.JobId, i, $"fine {i}", "positive");
            earlier.State = SampleState.Refined;
            await fixture.Store.SaveSampleAsync(earlier, CancellationToken.None);
        }

        var samples = Enumerable.Range(1, 16).Select(i => RefinerFixture.Sample(job.JobId, i, $"meh {i}", "positive")).ToList();

        await Task.WhenAll(samples.Select(sample => processor.ProcessAsync(sample, job, CancellationToken.None).AsTask()));

        // By the stored counts alone (12 decided, no task yet) every one of the 16 would be under ⌊0.25 · 13⌋ = 3 and
        // queued; counting the instance's own decisions the limit is ⌊0.25 · 13⌋ to ⌊0.25 · 16⌋, 3 or 4 tasks in all.
        Assert.InRange(samples.Count(sample => sample.Review is { Status: ReviewStatus.Pending }), 3, 4);
    }

    [Fact]
    public async Task A_reviewer_s_label_is_never_changed_by_the_automated_methods()
    {
        await using var fixture = await RefinerFixture.CreateAsync();
        using var processor = Processor(fixture);
        var job = RefinerFixture.Job("human-job", "student: { minTrainingSamples: 20 }");
        await StoreCleanSamplesAsync(fixture, job.JobId, 60);
        var sample = RefinerFixture.Sample(job.JobId, 500, "great and wonderful product, love it", "negative");
        HumanReview.Submit(sample, "negative", "alice", RefinerFixture.Now);

        var verdict = await processor.ProcessAsync(sample, job, CancellationToken.None);

        Assert.Equal(("kept: a reviewer labelled this sample", "negative"), (verdict.Reason, sample.Content.Label));
        Assert.Equal(LabelMethod.HumanReview, sample.LabelHistory[^1].Method);
    }

    [Fact]
    public async Task The_flag_policy_keeps_the_label_and_queues_the_student_s_proposal()
    {
        await using var fixture = await RefinerFixture.CreateAsync();
        using var processor = Processor(fixture);
        var job = RefinerFixture.Job("flag-job", "student: { minTrainingSamples: 100, minConfidence: 0.6, policy: flag }\nreview: { maxFraction: 1 }");
        await StoreCleanSamplesAsync(fixture, job.JobId, 200);
        var sample = RefinerFixture.Sample(job.JobId, 500, "great and wonderful product, love it", "negative");

        var verdict = await processor.ProcessAsync(sample, job, CancellationToken.None);

        Assert.Equal("negative", sample.Content.Label);
        Assert.Single(sample.LabelHistory);
        Assert.Equal(ReviewStatus.Pending, sample.Review!.Status);
        Assert.Equal("the student flagged the label", sample.Review.Reason);
        Assert.Equal([("negative", LabelMethod.Current), ("positive", LabelMethod.StudentModel)], sample.Review.Candidates.Select(c => (c.Label, c.Method)));
        Assert.True(sample.Review.Candidates[1].Confidence >= 0.6);
        Assert.Contains("flags 'negative', predicts 'positive'", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_student_can_use_minilm_embeddings_with_the_text()
    {
        await using var fixture = await RefinerFixture.CreateAsync();
        using var processor = Processor(fixture);
        var job = RefinerFixture.Job("embedding-job", "student: { features: text-and-embedding, minTrainingSamples: 60, minConfidence: 0.6 }");
        await StoreCleanSamplesAsync(fixture, job.JobId, 80);
        var sample = RefinerFixture.Sample(job.JobId, 500, "excellent and superb, I love it", "negative");

        var verdict = await processor.ProcessAsync(sample, job, CancellationToken.None);

        Assert.Equal("positive", sample.Content.Label);
        Assert.Equal(LabelMethod.StudentModel, sample.LabelHistory[^1].Method);
        Assert.Contains("on TextAndEmbedding", sample.LabelHistory[^1].By, StringComparison.Ordinal);
        Assert.Contains("trained on", verdict.Reason, StringComparison.Ordinal);
    }
}
