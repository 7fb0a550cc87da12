using Synth.Contracts.Samples;
using Synth.Curation.Processor.Filter;
using Synth.Llm.Embeddings;
using static Synth.Curation.Processor.Tests.Filter.FilterTestKit;

namespace Synth.Curation.Processor.Tests.Filter;

/// <summary>The judge against a scripted OpenAI-compatible server, and relevance and semantic dedup with the real local MiniLM.</summary>
public sealed class FilterJudgeAndEmbeddingTests : IDisposable
{
    private readonly FilterTestKit kit = new();

    public void Dispose() => kit.Dispose();

    [Fact]
    public async Task The_judge_scores_within_its_budget_and_afterwards_is_skipped_with_the_reason_recorded()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Enqueue(
            ScriptedReply.Answer("""{"faithfulness": 0.9, "consistency": 0.8, "grammar": 1.0}"""),
            ScriptedReply.Answer("```json\n{\"faithfulness\": 0.2, \"consistency\": 0.3, \"grammar\": 0.4}\n```"));
        var stores = await kit.StoresAsync();
        var processor = kit.Processor(stores);
        var job = Job("judged",
            "    judge: { enabled: true, maxRequests: 2 }\n    relevance: { enabled: false }\n    dedup: { semantic: false }",
            server.BaseUrl.ToString());

        var good = await processor.ProcessAsync(Sample(job.JobId, 0, "The kettle boils fast and the handle stays cool."), job, default);
        var poor = await processor.ProcessAsync(Sample(job.JobId, 1, "Kettle good it boil the water fast yes."), job, default);
        var unjudged = await processor.ProcessAsync(Sample(job.JobId, 2, "The toaster browns both sides evenly."), job, default);

        Assert.Equal(SampleState.Accepted, good.Outcome);
        Assert.Equal(0.9, good.Scores!["judge.faithfulness"]);
        Assert.Equal(0.9, good.Scores["judge"], 3);
        Assert.Equal(0.6, good.Scores["judge.threshold"]);
        Assert.Equal(SampleState.Rejected, poor.Outcome);
        Assert.StartsWith("judge: judge scripted-model score 0.3", poor.Reason, StringComparison.Ordinal);
        Assert.Equal(SampleState.Accepted, unjudged.Outcome);
        Assert.Contains("judge skipped: the job's judge budget of 2 requests is spent", unjudged.Reason, StringComparison.Ordinal);
        Assert.False(unjudged.Scores!.ContainsKey("judge"));
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("The kettle boils fast", server.Requests[0].Body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relevance_and_semantic_dedup_use_the_local_embedding_model_when_it_loads()
    {
        using var miniLm = new MiniLmEmbeddingGenerator();
        var stores = await kit.StoresAsync();
        var processor = kit.Processor(stores, () => miniLm);
        var job = Job("semantic", "    relevance: { minRelevance: 0.2 }\n    dedup: { semanticThreshold: 0.8 }");
        var topic = new Dictionary<string, string> { ["topic"] = "battery life" };

        var original = await processor.ProcessAsync(Sample(job.JobId, 0, "The phone's battery easily lasts two full days of heavy use.", conditions: topic), job, default);
        var paraphrase = await processor.ProcessAsync(Sample(job.JobId, 1, "With heavy use, this phone's battery still lasts a full two days.", conditions: topic), job, default);
        var offTopic = await processor.ProcessAsync(Sample(job.JobId, 2, "Photosynthesis converts light energy into chemical energy in chloroplasts.", conditions: topic), job, default);

        Assert.Equal(SampleState.Accepted, original.Outcome);
        Assert.True(original.Scores!["relevance"] >= 0.2, $"relevance {original.Scores["relevance"]}");
        Assert.StartsWith($"dedup: semantic duplicate of {SampleIds.For(job.JobId, 0, 0)} (cosine 0.", paraphrase.Reason, StringComparison.Ordinal);
        Assert.Equal(SampleState.Rejected, offTopic.Outcome);
        Assert.StartsWith("relevance: relevance 0.", offTopic.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relevance_escalates_doubtful_samples_to_the_generation_model_whose_answer_decides()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Enqueue(ScriptedReply.Answer("Yes."), ScriptedReply.Answer("no"), ScriptedReply.Answer("It depends."));
        using var miniLm = new MiniLmEmbeddingGenerator();
        var stores = await kit.StoresAsync();
        var processor = kit.Processor(stores, () => miniLm);
        // Default relevance: until the running reference has scores to triage by, every sample is doubtful and asked.
        var job = Job("escalated", "    mode: threshold", server.BaseUrl.ToString());

        var review = await processor.ProcessAsync(Sample(job.JobId, 0, "The kettle boils fast and the handle stays cool."), job, default);
        var email = await processor.ProcessAsync(Sample(job.JobId, 1, "Please find the minutes of Tuesday's meeting attached."), job, default);
        var unanswered = await processor.ProcessAsync(Sample(job.JobId, 2, "The toaster browns both sides evenly."), job, default);

        Assert.Equal(SampleState.Accepted, review.Outcome);
        Assert.Equal(1, review.Scores!["on-task"]);
        Assert.Equal(SampleState.Rejected, email.Outcome);
        Assert.StartsWith("on-task: scripted-model answered no to the on-task question, asked as relevance ", email.Reason, StringComparison.Ordinal);
        Assert.True(email.Scores!.ContainsKey("relevance"));
        // No answer is not a silent pass: the sample keeps its score and the failure is on its decision.
        Assert.Equal(SampleState.Accepted, unanswered.Outcome);
        Assert.Contains("relevance escalation failed: the model answered neither yes nor no; not rejected on its score", unanswered.Reason, StringComparison.Ordinal);
        Assert.False(unanswered.Scores!.ContainsKey("on-task"));
        Assert.Equal(3, server.Requests.Count);
        Assert.Contains("Is the sample below on-task", server.Requests[1].Body.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("minutes of Tuesday", server.Requests[1].Body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relevance_does_not_escalate_when_the_judge_is_on_or_escalation_is_off_or_there_is_no_model()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Enqueue(ScriptedReply.Answer("""{"faithfulness": 0.9, "consistency": 0.8, "grammar": 1.0}"""));
        using var miniLm = new MiniLmEmbeddingGenerator();
        var stores = await kit.StoresAsync();
        var processor = kit.Processor(stores, () => miniLm);
        var judged = Job("judged-relevance", "    judge: { enabled: true }", server.BaseUrl.ToString());
        var off = Job("not-escalated", "    relevance: { escalate: false }", server.BaseUrl.ToString());
        var noModel = Job("no-llm", "    mode: threshold", server.BaseUrl.ToString()).Spec;
        noModel.Generation.ApiKeyEnv = "SYNTH_TEST_UNSET_KEY_VARIABLE";

        var judgedVerdict = await processor.ProcessAsync(Sample(judged.JobId, 0, "The kettle boils fast and the handle stays cool."), judged, default);
        var offVerdict = await processor.ProcessAsync(Sample(off.JobId, 0, "The kettle boils fast and the handle stays cool."), off, default);
        var noModelVerdict = await processor.ProcessAsync(Sample("no-llm", 0, "The kettle boils fast and the handle stays cool."), new Synth.Pipeline.PipelineJob("no-llm", noModel), default);

        Assert.Single(server.Requests);
        Assert.Contains("Rate the sample below", server.Requests[0].Body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(SampleState.Accepted, judgedVerdict.Outcome);
        Assert.Equal(SampleState.Accepted, offVerdict.Outcome);
        Assert.Equal(SampleState.Accepted, noModelVerdict.Outcome);
        Assert.Contains("relevance escalation off: no model to ask (", noModelVerdict.Reason, StringComparison.Ordinal);
        Assert.All(new[] { judgedVerdict, offVerdict, noModelVerdict }, verdict => Assert.False(verdict.Scores!.ContainsKey("on-task")));
    }

    [Fact]
    public async Task Without_an_embedding_model_the_defaults_run_without_relevance_and_a_required_one_fails_by_name()
    {
        var stores = await kit.StoresAsync();
        var processor = kit.Processor(stores, () => throw new FileNotFoundException("model.onnx is missing"));
        var defaults = Job("no-model", "    mode: threshold");
        var required = Job("needs-model", "    dedup: { semantic: true }");

        var verdict = await processor.ProcessAsync(Sample(defaults.JobId, 0, "The blender is quiet."), defaults, default);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => processor.ProcessAsync(Sample(required.JobId, 0, "The blender is quiet."), required, default).AsTask());

        Assert.Equal(SampleState.Accepted, verdict.Outcome);
        Assert.False(verdict.Scores!.ContainsKey("relevance"));
        Assert.Contains("curation.filter.dedup.semantic is true but the embedding model is not available", failure.Message, StringComparison.Ordinal);
    }
}
