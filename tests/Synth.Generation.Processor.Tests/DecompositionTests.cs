using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Jobs;
using Synth.Llm;
using Synth.Messaging;
using Synth.Pipeline;
using Synth.Store;
using Synth.Store.Sqlite;

namespace Synth.Generation.Processor.Tests;

/// <summary>Dataset-wise decomposition against the scripted OpenAI-compatible server, with the store on a SQLite file.</summary>
public sealed class DecompositionTests : IAsyncLifetime
{
    private const string ExpansionMarker = "To cover the domain evenly";
    private ScriptedChatServer _server = null!;
    private readonly string _folder = Directory.CreateTempSubdirectory("synth-decomposition-").FullName;

    public async Task InitializeAsync()
    {
        _server = await ScriptedChatServer.StartAsync();
        // Sub-topic requests get "<node> part 1..n" (or "topic 1..n" for the root); sample requests get one review.
        _server.Responder = body => IsExpansion(body) ? Topics(NodeOf(body), 3) : null;
        _server.Default = ScriptedReply.Answer("""[{"text":"Fine product.","label":"positive"}]""", promptTokens: 40, completionTokens: 20);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task The_tree_grows_once_a_topic_reaches_the_threshold_and_the_new_leaves_get_samples_within_the_budget()
    {
        var job = Job("decomposition-grows", target: 40, maxDepth: 2);
        var stores = await StoresAsync("grows.db");
        using var generator = Generator(stores, "generator-a");

        await WorkerFor(generator, stores, "generator-a").RunFirstPassAsync(job, maxConcurrentRequests: 2, default);

        var expansions = await stores.ConceptTree.GetExpansionsAsync(job.JobId, default);
        Assert.Equal(["garden", "kitchen"], expansions.Select(e => e.NodePath));
        Assert.All(expansions, e => Assert.Equal(ConceptExpansionStatus.Expanded, e.Status));
        Assert.All(expansions, e => Assert.Equal(40 + 20, e.PromptTokens + e.CompletionTokens));
        // Two topics at depth 1 split once each; their children are at maxDepth and stay leaves.
        Assert.Equal(2, _server.Requests.Count(r => IsExpansion(r.Body)));
        var tree = generator.GrowthOf(job.JobId)!.Tree;
        Assert.Equal(
            ["kitchen", "kitchen/kitchen part 1", "kitchen/kitchen part 2", "kitchen/kitchen part 3", "garden", "garden/garden part 1", "garden/garden part 2", "garden/garden part 3"],
            tree.Paths());

        var samples = await SamplesAsync(stores, job);
        Assert.Equal(40, samples.Count);
        var topics = samples.Select(s => s.Provenance.Conditions["topic"]).ToList();
        Assert.All(tree.Leaves(), leaf => Assert.Contains(leaf.Path, topics));
        Assert.All(samples, s => Assert.Equal("dataset-decomposition", s.Provenance.Strategy));
        // Samples before the split were planned on the seeds, so at least the threshold of each seed is there.
        Assert.True(topics.Count(t => t == "kitchen") >= 3 && topics.Count(t => t == "garden") >= 3);

        // Every call, the two expansions included, was reserved and committed on the job's budget.
        var (spent, reserved) = await stores.Budget.GetBudgetAsync(job.JobId, default);
        Assert.Equal(_server.Requests.Count, spent.Requests);
        Assert.Equal(42, spent.Requests);
        Assert.Equal(42 * 60, spent.Tokens);
        Assert.Equal(default, reserved);
    }

    [Fact]
    public async Task Two_instances_on_one_store_grow_one_tree_with_one_call_per_node()
    {
        var job = Job("decomposition-shared", target: 120, maxDepth: 3);
        var database = Path.Combine(_folder, "shared.db");
        var (storesA, storesB) = (await StoresAsync("shared.db"), await StoresAsync("shared.db"));
        using var generatorA = Generator(storesA, "generator-a");
        using var generatorB = Generator(storesB, "generator-b");

        await Task.WhenAll(
            WorkerFor(generatorA, storesA, "generator-a").RunFirstPassAsync(job, maxConcurrentRequests: 3, default),
            WorkerFor(generatorB, storesB, "generator-b").RunFirstPassAsync(job, maxConcurrentRequests: 3, default));

        var expansions = await storesA.ConceptTree.GetExpansionsAsync(job.JobId, default);
        var asked = _server.Requests.Where(r => IsExpansion(r.Body)).Select(r => NodeOf(r.Body)).ToList();
        // Two seeds and their six children, each with far more than expandAfter samples planned by either instance.
        Assert.Equal(8, expansions.Count);
        Assert.Equal(asked.Count, asked.Distinct().Count());
        Assert.Equal(expansions.Select(e => e.NodePath).Order(StringComparer.Ordinal), asked.Order(StringComparer.Ordinal));
        Assert.Equal(asked.Count, generatorA.GrowthOf(job.JobId)!.ModelCalls + generatorB.GrowthOf(job.JobId)!.ModelCalls);

        var growthA = generatorA.GrowthOf(job.JobId)!;
        var growthB = generatorB.GrowthOf(job.JobId)!;
        await growthA.SyncAsync(force: true, default);
        await growthB.SyncAsync(force: true, default);
        Assert.Equal(growthA.Tree.Paths(), growthB.Tree.Paths());

        // A restarted instance rebuilds the same tree from the store and makes no call for it.
        var before = _server.Requests.Count;
        using var restarted = Generator(await StoresAsync("shared.db"), "generator-c");
        await restarted.PrepareAsync(job, default);
        Assert.Equal(growthA.Tree.Paths(), restarted.GrowthOf(job.JobId)!.Tree.Paths());
        Assert.Equal(before, _server.Requests.Count);
        Assert.Equal(120, (await storesA.Samples.CountAsync(job.JobId, default)).TotalSamples);
        Assert.True(File.Exists(database));
    }

    [Fact]
    public async Task A_failed_expansion_is_stored_and_counted_and_generation_goes_on()
    {
        _server.Responder = body => !IsExpansion(body) ? null
            : NodeOf(body) == "kitchen" ? ScriptedReply.Answer("I'm sorry, I can't help with that.") : Topics(NodeOf(body), 2);
        var job = Job("decomposition-fails", target: 30, maxDepth: 2);
        var stores = await StoresAsync("fails.db");
        using var generator = Generator(stores, "generator-a");

        await WorkerFor(generator, stores, "generator-a").RunFirstPassAsync(job, maxConcurrentRequests: 2, default);

        var expansions = (await stores.ConceptTree.GetExpansionsAsync(job.JobId, default)).ToDictionary(e => e.NodePath);
        Assert.Equal(ConceptExpansionStatus.Failed, expansions["kitchen"].Status);
        Assert.StartsWith("refusal", expansions["kitchen"].Error, StringComparison.Ordinal);
        Assert.Equal(ConceptExpansionStatus.Expanded, expansions["garden"].Status);
        var counts = await stores.Samples.CountAsync(job.JobId, default);
        Assert.Equal(1, counts.Failures);
        var failure = Assert.Single((await stores.Samples.QueryFailuresAsync(job.JobId, null, 10, default)).Items);
        Assert.Contains("concept expansion of 'kitchen' failed: refusal", failure.Error, StringComparison.Ordinal);
        // Asked once: a failed node is settled, not asked again.
        Assert.Single(_server.Requests, r => IsExpansion(r.Body) && NodeOf(r.Body) == "kitchen");
        Assert.Equal(30, counts.TotalSamples);
        Assert.Contains("kitchen", generator.GrowthOf(job.JobId)!.Tree.Leaves().Select(l => l.Path));
    }

    [Fact]
    public async Task A_restarted_job_sends_an_unrecorded_request_with_the_conditions_it_was_first_planned_with()
    {
        var job = Job("decomposition-restart", target: 12, maxDepth: 2);
        var stores = await StoresAsync("restart.db");
        // A plan recorded before a crash, its request never recorded: the restart must keep its conditions.
        var plan = new Dictionary<string, string> { ["topic"] = "garden" };
        Assert.Equal(plan, await stores.ConceptTree.RecordPlanAsync(job.JobId, 5, plan, default));
        Assert.Equal(plan, await stores.ConceptTree.RecordPlanAsync(job.JobId, 5, new Dictionary<string, string> { ["topic"] = "kitchen" }, default));
        using var generator = Generator(stores, "generator-a");

        await WorkerFor(generator, stores, "generator-a").RunFirstPassAsync(job, maxConcurrentRequests: 1, default);

        var sample = await stores.Samples.GetSampleAsync(SampleIds.For(job.JobId, 5, 0), default);
        Assert.Equal("garden", sample!.Provenance.Conditions["topic"]);
        var plans = await stores.ConceptTree.GetPlansAsync(job.JobId, default);
        Assert.Equal(12, plans.Count);
        var samples = await SamplesAsync(stores, job);
        Assert.All(samples, s => Assert.Equal(plans[s.Provenance.RequestIndex]["topic"], s.Provenance.Conditions["topic"]));
    }

    [Fact]
    public async Task The_evaluators_feedback_counts_decide_which_topic_is_split()
    {
        var job = Job("decomposition-feedback", target: 10, maxDepth: 2);
        var stores = await StoresAsync("feedback.db");
        using var generator = Generator(stores, "generator-a");
        await generator.PrepareAsync(job, default);

        // Nothing planned yet, but the evaluator has seen 5 garden samples: garden is past expandAfter (3), kitchen is not.
        await generator.OnFeedbackAsync(new Contracts.Messaging.FeedbackMessage
        {
            JobId = job.JobId,
            Instance = "evaluator-1",
            SamplesEvaluated = 5,
            ConditionCounts = new() { ["topic"] = new() { ["garden"] = 5 } },
        }, default);
        var result = await generator.GenerateAsync(new GenerationRequest(job, 0, SampleIds.Request(job.JobId, 0), 1), default);

        Assert.Equal(["garden"], _server.Requests.Where(r => IsExpansion(r.Body)).Select(r => NodeOf(r.Body)));
        // Least-covered: kitchen has nothing, so the first request goes there.
        Assert.Equal("kitchen", Assert.Single(result.Drafts).Conditions["topic"]);
        Assert.Equal(["kitchen", "garden", "garden/garden part 1", "garden/garden part 2", "garden/garden part 3"], generator.GrowthOf(job.JobId)!.Tree.Paths());
    }

    private static bool IsExpansion(JsonObject body) => Prompt(body).Contains(ExpansionMarker, StringComparison.Ordinal);

    private static string NodeOf(JsonObject body)
    {
        var line = Prompt(body).Split('\n').FirstOrDefault(l => l.StartsWith("Topic path: ", StringComparison.Ordinal));
        return line is null ? "" : line["Topic path: ".Length..].Replace(" > ", "/", StringComparison.Ordinal);
    }

    private static ScriptedReply Topics(string node, int count)
    {
        var name = node.Length == 0 ? "topic" : node[(node.LastIndexOf('/') + 1)..];
        var topics = new JsonArray([.. Enumerable.Range(1, count).Select(i => (JsonNode)new JsonObject { ["name"] = $"{name} part {i}" })]);
        return ScriptedReply.Answer(new JsonObject { ["topics"] = topics }.ToJsonString(), promptTokens: 40, completionTokens: 20);
    }

    private static string Prompt(JsonObject body) => body["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>()).Last();

    private PipelineJob Job(string id, int target, int maxDepth)
    {
        var yaml = $"""
            id: {id}
            name: Decomposition test
            task:
              type: text-classification
              dataDescription: Short product reviews.
              labels:
                - name: positive
                  description: satisfied
                - name: negative
                  description: dissatisfied
            conditions:
              conceptTree:
                source: llm
                topics: [kitchen, garden]
                maxDepth: {maxDepth}
                maxBranching: 3
                expandAfter: 3
                childrenPerNode: 3
            demonstrations:
              k: 0
            generation:
              strategy: dataset-decomposition
              provider: openai-compatible
              model: m
              baseUrl: {_server.BaseUrl}
              target: {target}
              concurrency: 4
              timeoutSeconds: 10
            budget:
              maxRequests: 10000
            """;
        var spec = JobSpecLoader.Parse(yaml, $"{id}.yaml", requireFiles: false);
        return new PipelineJob(spec.Id!, spec);
    }

    private async Task<SynthStores> StoresAsync(string file)
    {
        var stores = SqliteStores.Open(Path.Combine(_folder, file));
        await stores.Samples.InitializeAsync(default);
        return stores;
    }

    private static LlmSampleGenerator Generator(SynthStores stores, string instance) =>
        new(NullLoggerFactory.Instance, TimeProvider.System, new ChatClientFactory(readEnvironment: _ => null), stores.Budget, new InstanceIdentity(instance),
            conceptTrees: stores.ConceptTree, failures: stores.Samples);

    private static GeneratorWorker WorkerFor(LlmSampleGenerator generator, SynthStores stores, string instance) =>
        new(generator, stores.Samples, stores.RequestClaims, new InProcessBus(), new StageActivity(Stage.Generator), TimeProvider.System, NullLogger<GeneratorWorker>.Instance, instance);

    private static async Task<List<SampleDocument>> SamplesAsync(SynthStores stores, PipelineJob job) =>
        [.. (await stores.Samples.QuerySamplesAsync(new SampleQuery { JobId = job.JobId, Limit = 1000 }, default)).Items];
}
