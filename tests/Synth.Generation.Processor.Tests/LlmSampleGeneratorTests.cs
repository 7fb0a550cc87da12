using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Samples;
using Synth.Jobs;
using Synth.Llm;
using Synth.Messaging;
using Synth.Pipeline;
using Synth.Store.Sqlite;

namespace Synth.Generation.Processor.Tests;

/// <summary>The built-in generator against a real HTTP server speaking the OpenAI chat-completions protocol.</summary>
public sealed class LlmSampleGeneratorTests : IAsyncLifetime
{
    private ScriptedChatServer _server = null!;
    private readonly string _folder = Directory.CreateTempSubdirectory("synth-generator-").FullName;

    public async Task InitializeAsync() => _server = await ScriptedChatServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task An_answer_becomes_drafts_with_conditions_prompt_identity_usage_and_cost()
    {
        using var generator = Generator();
        var job = Job(samplesPerRequest: 2);
        _server.Enqueue(ScriptedReply.Answer(
            """{"samples":[{"text":"Battery lasts two days.","label":"positive"},{"text":"Screen cracked in a week.","label":"negative"}]}""",
            promptTokens: 1000, completionTokens: 500));

        await generator.PrepareAsync(job, default);
        var result = await generator.GenerateAsync(new GenerationRequest(job, 0, SampleIds.Request(job.JobId, 0), 2), default);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(["Battery lasts two days.", "Screen cracked in a week."], result.Drafts.Select(d => d.Content.Text));
        Assert.Equal(["positive", "negative"], result.Drafts.Select(d => d.Content.Label));
        Assert.Empty(result.ItemFailures);
        Assert.Equal(1000, result.Usage.PromptTokens);
        Assert.Equal(500, result.Usage.CompletionTokens);
        // $2 per 1M input + $8 per 1M output tokens.
        Assert.Equal(0.006m, result.CostUsd);
        Assert.Equal(1, result.Attempts);

        var draft = result.Drafts[0];
        Assert.Equal("single-step", draft.Strategy);
        Assert.StartsWith("builtin:", draft.TemplateId, StringComparison.Ordinal);
        Assert.Equal(64, draft.PromptHash!.Length);
        Assert.Contains(draft.Conditions["topic"], new[] { "battery", "screen" });

        // The request asked for structured output with the task's schema and carried the planned condition.
        var body = Assert.Single(_server.Requests).Body;
        Assert.Equal("json_schema", body["response_format"]!["type"]!.GetValue<string>());
        Assert.Contains(draft.Conditions["topic"], body["messages"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Items_that_cannot_become_samples_are_kept_as_item_failures()
    {
        using var generator = Generator();
        var job = Job(samplesPerRequest: 3);
        _server.Enqueue(ScriptedReply.Answer(
            """[{"text":"Fine.","label":"positive"},{"text":"No label here."},{"text":"Great.","label":"positive"},{"text":"One too many.","label":"negative"}]"""));

        var result = await generator.GenerateAsync(new GenerationRequest(job, 0, SampleIds.Request(job.JobId, 0), 2), default);

        Assert.True(result.Succeeded);
        Assert.Equal(["Fine.", "Great."], result.Drafts.Select(d => d.Content.Text));
        Assert.Equal(2, result.ItemFailures.Count);
        Assert.Contains(result.ItemFailures, f => f.ItemIndex == 1 && f.Raw.Contains("No label here.", StringComparison.Ordinal));
        Assert.Contains(result.ItemFailures, f => f.Reason.Contains("beyond the 2 samples", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_answer_with_no_usable_sample_fails_with_its_raw_text()
    {
        using var generator = Generator();
        var job = Job(samplesPerRequest: 1);
        _server.Enqueue(ScriptedReply.Answer("Here are some reviews you might like!"));

        var result = await generator.GenerateAsync(new GenerationRequest(job, 0, SampleIds.Request(job.JobId, 0), 1), default);

        Assert.False(result.Succeeded);
        Assert.StartsWith("no usable sample in the answer", result.Error, StringComparison.Ordinal);
        Assert.Equal("Here are some reviews you might like!", result.RawResponse);
    }

    [Fact]
    public async Task A_refusal_and_an_exhausted_retry_are_failures_with_reasons()
    {
        using var generator = Generator();
        var job = Job(samplesPerRequest: 1, maxRetries: 1);
        _server.Enqueue(ScriptedReply.Refusal("I can't write reviews."), ScriptedReply.Status(500), ScriptedReply.Status(500));

        var refused = await generator.GenerateAsync(new GenerationRequest(job, 0, SampleIds.Request(job.JobId, 0), 1), default);
        var failed = await generator.GenerateAsync(new GenerationRequest(job, 1, SampleIds.Request(job.JobId, 1), 1), default);

        Assert.Equal("the model refused", refused.Error);
        Assert.Contains("500", failed.Error, StringComparison.Ordinal);
        Assert.Equal(2, failed.Attempts);
    }

    [Fact]
    public async Task Jobs_the_generator_cannot_run_are_refused_before_any_request()
    {
        using var generator = Generator();

        var missing = await Assert.ThrowsAsync<Synth.Datasets.DatasetException>(() => generator.PrepareAsync(Job(1, supportSet: "absent-support.jsonl"), default).AsTask());
        Assert.EndsWith("absent-support.jsonl: file not found", missing.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<LlmConfigurationException>(() => generator.PrepareAsync(Job(1, apiKeyEnv: "SYNTH_TEST_UNSET_KEY_VARIABLE"), default).AsTask());
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Through_the_generator_worker_every_request_ends_as_samples_or_a_counted_failure()
    {
        using var generator = Generator();
        var job = Job(samplesPerRequest: 2, target: 8);
        _server.Enqueue(
            ScriptedReply.Answer("""[{"text":"A","label":"positive"},{"text":"B","label":"negative"}]"""),
            ScriptedReply.TooManyRequests("0"),
            ScriptedReply.Answer("""[{"text":"C","label":"positive"},{"text":"D","label":"negative"}]"""),
            ScriptedReply.Answer("not json at all"),
            ScriptedReply.Answer("""[{"text":"E","label":"positive"},{"text":"F"}]"""));
        var stores = SqliteStores.Open(Path.Combine(_folder, "worker.db"));
        var store = stores.Samples;
        await store.InitializeAsync(default);
        var worker = new GeneratorWorker(generator, store, stores.RequestClaims, new InProcessBus(), new StageActivity(Stage.Generator), TimeProvider.System,
            NullLogger<GeneratorWorker>.Instance, "test");

        await worker.RunFirstPassAsync(job, maxConcurrentRequests: 1, default);

        var counts = await store.CountAsync(job.JobId, default);
        Assert.Equal(3, counts.RequestsSucceeded);
        Assert.Equal(1, counts.RequestsFailed);
        Assert.Equal(5, counts.TotalSamples);
        var failed = await store.GetRequestAsync(SampleIds.Request(job.JobId, 2), default);
        Assert.Equal("not json at all", failed!.RawResponse);
        var partial = await store.GetRequestAsync(SampleIds.Request(job.JobId, 3), default);
        Assert.Equal(RequestStatus.Succeeded, partial!.Status);
        Assert.Contains("\"F\"", Assert.Single(partial.ItemFailures).Raw, StringComparison.Ordinal);
        // Requests the server saw = attempts recorded on the ledger.
        var attempts = 0;
        for (var i = 0; i < 4; i++)
        {
            attempts += (await store.GetRequestAsync(SampleIds.Request(job.JobId, i), default))!.Attempts;
        }

        Assert.Equal(_server.Requests.Count, attempts);
    }

    [Fact]
    public async Task Evaluator_feedback_steers_the_conditions_of_later_requests()
    {
        using var generator = Generator();
        var job = Job(samplesPerRequest: 1);
        _server.Default = ScriptedReply.Answer("""[{"text":"Fine.","label":"positive"}]""");
        await generator.PrepareAsync(job, default);

        // The evaluator has seen 40 battery samples and no screen samples (the filter rejected them all, say).
        await generator.OnFeedbackAsync(new Contracts.Messaging.FeedbackMessage
        {
            JobId = job.JobId,
            Instance = "evaluator-1",
            SamplesEvaluated = 40,
            ConditionCounts = new() { ["topic"] = new() { ["battery"] = 40 } },
        }, default);
        var topics = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var result = await generator.GenerateAsync(new GenerationRequest(job, i, SampleIds.Request(job.JobId, i), 1), default);
            topics.Add(Assert.Single(result.Drafts).Conditions["topic"]);
        }

        Assert.All(topics, topic => Assert.Equal("screen", topic));
    }

    private LlmSampleGenerator Generator() =>
        new(NullLoggerFactory.Instance, TimeProvider.System, new ChatClientFactory(readEnvironment: _ => null));

    private PipelineJob Job(
        int samplesPerRequest,
        int target = 10,
        int maxRetries = 2,
        string strategy = "single-step",
        string taskType = "text-classification",
        string? apiKeyEnv = null,
        string? supportSet = null)
    {
        var labels = taskType == "text-classification"
            ? "  labels:\n    - name: positive\n      description: satisfied\n    - name: negative\n      description: dissatisfied\n"
            : "";
        var key = apiKeyEnv is null ? "" : $"  apiKeyEnv: {apiKeyEnv}\n";
        var yaml = (
            $"id: generator-test\nname: Generator test\ntask:\n  type: {taskType}\n  dataDescription: Short product reviews.\n{labels}"
            + "conditions:\n  dimensions:\n    - name: topic\n      values: [battery, screen]\n"
            + (supportSet is null ? "demonstrations:\n  k: 0\n" : $"demonstrations:\n  k: 2\n  selection: random\n  supportSet:\n    path: {supportSet}\n")
            + $"generation:\n  strategy: {strategy}\n  provider: openai-compatible\n  model: test-model\n  baseUrl: {_server.BaseUrl}\n{key}"
            + $"  samplesPerRequest: {samplesPerRequest}\n  target: {target}\n  maxRetries: {maxRetries}\n  timeoutSeconds: 10\n"
            + "budget:\n  prices:\n    test-model:\n      inputPerMillion: 2\n      outputPerMillion: 8\n");
        var spec = JobSpecLoader.Parse(yaml, "generator-test.yaml", requireFiles: false);
        return new PipelineJob(JobIds.Derive(spec), spec);
    }
}
