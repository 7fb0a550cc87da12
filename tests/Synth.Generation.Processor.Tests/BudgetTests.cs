using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Samples;
using Synth.Jobs;
using Synth.Llm;
using Synth.Messaging;
using Synth.Pipeline;
using Synth.Store;
using Synth.Store.Sqlite;

namespace Synth.Generation.Processor.Tests;

/// <summary>A job's cost cap held across two generator instances sharing one store.</summary>
public sealed class BudgetTests : IAsyncLifetime
{
    private ScriptedChatServer _server = null!;
    private readonly string _folder = Directory.CreateTempSubdirectory("synth-budget-").FullName;

    public async Task InitializeAsync() => _server = await ScriptedChatServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Two_generator_instances_never_spend_past_the_cost_cap_together()
    {
        // Each answer: 60 prompt + 150 completion tokens at $10 / $30 per million = $0.0051. Worst case per call:
        // the prompt as counted + 200 completion tokens, about $0.009. A $0.05 cap allows at most 9 real answers.
        _server.Default = ScriptedReply.Answer("""[{"text":"Fine product.","label":"positive"}]""", promptTokens: 60, completionTokens: 150)
            .WithLatency(TimeSpan.FromMilliseconds(40));
        var yaml = $"""
            id: budget-test
            name: Budget test
            task:
              type: text-classification
              dataDescription: Short product reviews.
              labels:
                - name: positive
                  description: satisfied
                - name: negative
                  description: dissatisfied
            demonstrations:
              k: 0
            generation:
              provider: openai-compatible
              model: priced-model
              baseUrl: {_server.BaseUrl}
              maxOutputTokens: 200
              target: 100
              concurrency: 4
              timeoutSeconds: 10
            budget:
              maxCostUsd: 0.05
              prices:
                priced-model: {"{"} inputPerMillion: 10, outputPerMillion: 30 {"}"}
            """;
        var spec = JobSpecLoader.Parse(yaml, "budget-test.yaml", requireFiles: false);
        var job = new PipelineJob(JobIds.Derive(spec), spec);
        var database = Path.Combine(_folder, "shared.db");

        var runs = await Task.WhenAll(
            RunInstanceAsync(job, database, "generator-a"),
            RunInstanceAsync(job, database, "generator-b"));

        Assert.All(runs, stop => Assert.StartsWith("budget reached (cost)", stop, StringComparison.Ordinal));
        var stores = SqliteStores.Open(database);
        var recorded = await stores.Samples.GetRecordedRequestIndexesAsync(job.JobId, default);
        decimal ledgerCost = 0;
        foreach (var index in recorded)
        {
            ledgerCost += (await stores.Samples.GetRequestAsync(SampleIds.Request(job.JobId, index), default))!.CostUsd;
        }

        var (spent, reserved) = await stores.Budget.GetBudgetAsync(job.JobId, default);
        // Never past the cap; short of it by at most the worst cases of the calls that were in flight when it was reached.
        Assert.InRange(ledgerCost, 0.025m, 0.05m);
        Assert.Equal(ledgerCost, spent.CostUsd);
        Assert.Equal(default, reserved);
        // Every request the server answered is on the ledger; none was paid for and lost.
        Assert.Equal(_server.Requests.Count, recorded.Count);
        Assert.Equal(recorded.Count, (await stores.Samples.CountAsync(job.JobId, default)).TotalSamples);
    }

    private async Task<string?> RunInstanceAsync(PipelineJob job, string database, string instance)
    {
        var stores = SqliteStores.Open(database);
        await stores.Samples.InitializeAsync(default);
        using var generator = new LlmSampleGenerator(NullLoggerFactory.Instance, TimeProvider.System,
            new ChatClientFactory(readEnvironment: _ => null), stores.Budget, new InstanceIdentity(instance));
        var worker = new GeneratorWorker(generator, stores.Samples, stores.RequestClaims, new InProcessBus(), new StageActivity(Stage.Generator), TimeProvider.System,
            NullLogger<GeneratorWorker>.Instance, instance);
        return await worker.RunFirstPassAsync(job, maxConcurrentRequests: 4, default);
    }
}
