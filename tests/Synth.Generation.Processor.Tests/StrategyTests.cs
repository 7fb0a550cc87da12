using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Datasets;
using Synth.Llm.Embeddings;
using Synth.Generation.Demonstrations;
using Synth.Jobs;
using Synth.Llm;
using Synth.Messaging;
using Synth.Pipeline;
using Synth.Store.Sqlite;

namespace Synth.Generation.Processor.Tests;

/// <summary>Demonstrations and the multi-call strategies, against the scripted OpenAI-compatible server.</summary>
public sealed class StrategyTests(StrategyTests.EmbeddingModel model) : IAsyncLifetime, IClassFixture<StrategyTests.EmbeddingModel>
{
    private readonly MiniLmEmbeddingGenerator _embeddings = model.Generator;
    private ScriptedChatServer _server = null!;
    private readonly string _folder = Directory.CreateTempSubdirectory("synth-strategies-").FullName;

    public async Task InitializeAsync() => _server = await ScriptedChatServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Annotation_labels_each_input_once_with_the_nearest_demonstrations_from_the_support_set()
    {
        var spec = JobSpecLoader.LoadFile(Path.Combine(RepoPaths.Root, "examples", "annotation.yaml"));
        spec.Generation.BaseUrl = _server.BaseUrl.ToString();
        spec.Generation.ApiKeyEnv = null;
        spec.Generation.Target = 4;
        var job = new PipelineJob("annotation-test", spec);
        _server.Default = ScriptedReply.Answer("""{"label":"billing"}""");
        using var generator = Generator();

        var samples = await RunAsync(generator, job);

        var inputs = DatasetReader.Read(spec.Generation.Annotation!.Inputs);
        var support = DatasetReader.Read(spec.Demonstrations.SupportSet!);
        Assert.Equal(4, samples.Count);
        Assert.Equal(4, _server.Requests.Count);
        foreach (var sample in samples)
        {
            var input = inputs.Single(i => i.Id == sample.Provenance.Parameters["inputId"]);
            Assert.Equal(input.Content.Text, sample.Content.Text);
            Assert.Equal("billing", sample.Content.Label);
            Assert.Equal("annotation", sample.Provenance.Strategy);
            // The k support records nearest the input, by the same local sentence model, in order.
            Assert.Equal(await NearestAsync(support, input.Content.Text!, spec.Demonstrations.K), sample.Provenance.DemoIds);
        }

        Assert.Equal(inputs.Take(4).Select(i => i.Id).Order(), samples.Select(s => s.Provenance.Parameters["inputId"]).Order());
        Assert.All(inputs.Take(4), input => Assert.Single(_server.Requests, r => Prompt(r.Body).Contains(input.Content.Text!, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Demonstrations_that_do_not_fit_the_token_budget_are_left_out_and_recorded()
    {
        var support = Path.Combine(_folder, "support.jsonl");
        await File.WriteAllLinesAsync(support,
        [
            """{"id":"short","text":"Battery is great.","label":"positive"}""",
            """{"id":"long","text":"The battery, which I had high hopes for after reading so many glowing reviews from other buyers online, died within two hours of light use every single day, even after a full charge and a firmware update.","label":"negative"}""",
        ]);
        var spec = Spec("single-step", "text-classification", $"demonstrations:\n  supportSet:\n    path: {support}\n  k: 2\n  selection: random\n  tokenBudget: 20\n");
        _server.Enqueue(ScriptedReply.Answer("""[{"text":"Lasts all day.","label":"positive"}]"""));
        using var generator = Generator();
        var job = new PipelineJob("budget-demos", spec);
        await generator.PrepareAsync(job, default);

        var result = await generator.GenerateAsync(new GenerationRequest(job, 0, SampleIds.Request(job.JobId, 0), 1), default);

        // The long demo alone is over the budget; the ones after it in the chosen order are dropped with it.
        var draft = Assert.Single(result.Drafts);
        Assert.Contains("long", draft.Parameters["demosDropped"].Split(','));
        Assert.DoesNotContain("long", draft.DemoIds);
        Assert.InRange(int.Parse(draft.Parameters["demoTokens"], System.Globalization.CultureInfo.InvariantCulture), 0, 20);
        var prompt = Prompt(_server.Requests[0].Body);
        Assert.DoesNotContain("firmware update", prompt, StringComparison.Ordinal);
        Assert.Equal(draft.DemoIds.Contains("short"), prompt.Contains("Battery is great.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dialogue_is_built_turn_by_turn_alternating_user_and_assistant()
    {
        var spec = Spec("dialogue", "dialogue", "generation:\n  dialogue: { minTurns: 4, maxTurns: 4 }\n");
        _server.Enqueue(
            ScriptedReply.Answer("My order has not arrived."),
            ScriptedReply.Answer("Sorry to hear that. What is the order number?"),
            ScriptedReply.Answer("It is 4411."),
            ScriptedReply.Answer("Thanks, it ships tomorrow."));
        using var generator = Generator();
        var job = new PipelineJob("dialogue-test", spec);

        var result = await generator.GenerateAsync(new GenerationRequest(job, 0, SampleIds.Request(job.JobId, 0), 1), default);

        var draft = Assert.Single(result.Drafts);
        Assert.Equal(["user", "assistant", "user", "assistant"], draft.Content.Turns.Select(t => t.Role));
        Assert.Equal("It is 4411.", draft.Content.Turns[2].Text);
        Assert.Equal("dialogue", draft.Strategy);
        Assert.Equal(4, _server.Requests.Count);
        // Each turn's prompt carries the conversation so far.
        Assert.Contains("What is the order number?", Prompt(_server.Requests[2].Body), StringComparison.Ordinal);
        Assert.DoesNotContain("It is 4411.", Prompt(_server.Requests[2].Body), StringComparison.Ordinal);
        Assert.Equal(4 * 18, result.Usage.TotalTokens);
        Assert.Equal(4, result.Attempts);
    }

    [Fact]
    public async Task Chain_of_thought_writes_the_rationale_before_the_answer_and_conditions_the_answer_on_it()
    {
        var spec = Spec("chain-of-thought", "reasoning", "");
        _server.Enqueue(
            ScriptedReply.Answer("A shop sells 3 pens for 45 cents. What do 7 pens cost?"),
            ScriptedReply.Answer("One pen costs 15 cents, so seven cost 105 cents."),
            ScriptedReply.Answer("1.05 dollars"));
        using var generator = Generator();
        var job = new PipelineJob("cot-test", spec);

        var result = await generator.GenerateAsync(new GenerationRequest(job, 0, SampleIds.Request(job.JobId, 0), 1), default);

        var draft = Assert.Single(result.Drafts);
        Assert.Equal("A shop sells 3 pens for 45 cents. What do 7 pens cost?", draft.Content.Question);
        Assert.Equal("One pen costs 15 cents, so seven cost 105 cents.", draft.Content.Rationale);
        Assert.Equal("1.05 dollars", draft.Content.Answer);
        Assert.Equal("question,rationale,answer", draft.Parameters["steps"]);
        Assert.DoesNotContain("105 cents", Prompt(_server.Requests[1].Body), StringComparison.Ordinal);
        Assert.Contains("105 cents", Prompt(_server.Requests[2].Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outline_comes_first_and_each_section_is_written_against_it()
    {
        var spec = Spec("outline-sections", "instruction-response", "generation:\n  outline: { minSections: 2, maxSections: 3 }\n");
        _server.Enqueue(
            ScriptedReply.Answer("""{"instruction":"Explain how to brew tea.","sections":["Water","Steeping"]}"""),
            ScriptedReply.Answer("Boil fresh water."),
            ScriptedReply.Answer("Steep for three minutes."));
        using var generator = Generator();
        var job = new PipelineJob("outline-test", spec);

        var result = await generator.GenerateAsync(new GenerationRequest(job, 0, SampleIds.Request(job.JobId, 0), 1), default);

        var draft = Assert.Single(result.Drafts);
        Assert.Equal("Explain how to brew tea.", draft.Content.Instruction);
        Assert.Equal("## Water\n\nBoil fresh water.\n\n## Steeping\n\nSteep for three minutes.", draft.Content.Response);
        Assert.Contains("Boil fresh water.", Prompt(_server.Requests[2].Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_step_is_an_item_failure_with_the_conversation_so_far_and_the_other_samples_are_kept()
    {
        var spec = Spec("chain-of-thought", "reasoning", "generation:\n  samplesPerRequest: 2\n  maxRetries: 0\n");
        _server.Enqueue(
            ScriptedReply.Answer("What is 2 + 2?"),
            ScriptedReply.Status(500),
            ScriptedReply.Answer("What is 3 + 3?"),
            ScriptedReply.Answer("Three and three make six."),
            ScriptedReply.Answer("6"));
        using var generator = Generator();
        var job = new PipelineJob("cot-failure", spec);

        var result = await generator.GenerateAsync(new GenerationRequest(job, 0, SampleIds.Request(job.JobId, 0), 2), default);

        Assert.True(result.Succeeded);
        Assert.Equal("6", Assert.Single(result.Drafts).Content.Answer);
        var failure = Assert.Single(result.ItemFailures);
        Assert.Equal(0, failure.ItemIndex);
        Assert.StartsWith("step 'rationale':", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("What is 2 + 2?", failure.Raw, StringComparison.Ordinal);
    }

    private LlmSampleGenerator Generator() =>
        new(NullLoggerFactory.Instance, TimeProvider.System, new ChatClientFactory(readEnvironment: _ => null), embeddings: _embeddings);

    private async Task<List<SampleDocument>> RunAsync(LlmSampleGenerator generator, PipelineJob job)
    {
        var stores = SqliteStores.Open(Path.Combine(_folder, job.JobId + ".db"));
        var store = stores.Samples;
        await store.InitializeAsync(default);
        var worker = new GeneratorWorker(generator, store, stores.RequestClaims, new InProcessBus(), new StageActivity(Stage.Generator), TimeProvider.System,
            NullLogger<GeneratorWorker>.Instance, "test");
        await worker.RunFirstPassAsync(job, maxConcurrentRequests: 2, default);
        return [.. (await store.QuerySamplesAsync(new Store.SampleQuery { JobId = job.JobId, Limit = 1000 }, default)).Items];
    }

    private async Task<List<string>> NearestAsync(IReadOnlyList<DatasetRecord> support, string query, int k)
    {
        var vectors = await _embeddings.GenerateAsync(support.Select(s => s.Content.Text!).Append(query));
        var pool = support.Select((s, i) => new Demonstration(s.Id, s.Content, vectors[i].Vector.ToArray())).ToList();
        return [.. DemonstrationSelector.Nearest(pool, vectors[^1].Vector.Span, k).Select(d => d.Id)];
    }

    private static string Prompt(JsonObject body) => body["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>()).Last();

    private JobSpec Spec(string strategy, string taskType, string extra)
    {
        var labels = taskType == "text-classification"
            ? "  labels:\n    - name: positive\n      description: satisfied\n    - name: negative\n      description: dissatisfied\n"
            : "";
        var generation = $"generation:\n  strategy: {strategy}\n  provider: openai-compatible\n  model: test-model\n  baseUrl: {_server.BaseUrl}\n  timeoutSeconds: 10\n";
        var demonstrations = "demonstrations:\n  k: 0\n";
        foreach (var section in extra.Split("\n", StringSplitOptions.None).Aggregate(new List<string>(), (acc, line) =>
        {
            if (line.Length > 0 && !line.StartsWith(' '))
            {
                acc.Add(line + "\n");
            }
            else if (acc.Count > 0)
            {
                acc[^1] += line.Length > 0 ? line + "\n" : "";
            }

            return acc;
        }))
        {
            if (section.StartsWith("generation:", StringComparison.Ordinal))
            {
                generation += section["generation:\n".Length..];
            }
            else
            {
                demonstrations = section;
            }
        }

        var yaml = $"name: Strategy test\ntask:\n  type: {taskType}\n  dataDescription: Short texts.\n{labels}{demonstrations}{generation}";
        return JobSpecLoader.Parse(yaml, "strategy-test.yaml", requireFiles: false);
    }

    /// <summary>One embedding model (its ONNX session and encoder thread) for the class's tests, disposed after them.</summary>
    public sealed class EmbeddingModel : IDisposable
    {
        public MiniLmEmbeddingGenerator Generator { get; } = new();

        public void Dispose() => Generator.Dispose();
    }
}
