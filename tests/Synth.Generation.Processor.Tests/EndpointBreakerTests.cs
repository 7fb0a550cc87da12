using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Samples;
using Synth.Jobs;
using Synth.Llm;
using Synth.Messaging;
using Synth.Pipeline;
using Synth.Store.Sqlite;

namespace Synth.Generation.Processor.Tests;

/// <summary>A model endpoint that only fails stops generation with the reason (the control plane pauses the job); resuming carries on.</summary>
public sealed class EndpointBreakerTests : IAsyncLifetime
{
    private ScriptedChatServer _server = null!;
    private readonly string _folder = Directory.CreateTempSubdirectory("synth-breaker-").FullName;

    public async Task InitializeAsync() => _server = await ScriptedChatServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    public static TheoryData<string> Faults => ["429", "500"];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task An_endpoint_answering_only_errors_stops_generation_with_the_reason_and_a_resumed_run_finishes_the_job(string fault)
    {
        _server.Default = fault == "429" ? ScriptedReply.TooManyRequests(retryAfter: "0") : ScriptedReply.Status(500, "upstream down");
        var job = Job();
        var stores = SqliteStores.Open(Path.Combine(_folder, $"breaker-{fault}.db"));
        await stores.Samples.InitializeAsync(default);
        using var generator = new LlmSampleGenerator(NullLoggerFactory.Instance, TimeProvider.System,
            new ChatClientFactory(readEnvironment: _ => null), stores.Budget, new InstanceIdentity("generator-0"));
        var worker = new GeneratorWorker(generator, stores.Samples, stores.RequestClaims, new InProcessBus(), new StageActivity(Stage.Generator), TimeProvider.System,
            NullLogger<GeneratorWorker>.Instance, "generator-0");

        var down = await Assert.ThrowsAsync<ModelEndpointUnavailableException>(() => worker.RunFirstPassAsync(job, maxConcurrentRequests: 1, default));

        Assert.Contains("model calls failed", down.Message, StringComparison.Ordinal);
        var sentWhileDown = _server.Requests.Count;
        // The breaker trips on the tenth failed call in its window; the request whose call tripped it is not recorded.
        var recorded = await stores.Samples.GetRecordedRequestIndexesAsync(job.JobId, default);
        Assert.Equal(9, recorded.Count);
        Assert.InRange(sentWhileDown, 10, 10 * (job.Spec.Generation.MaxRetries + 1));

        // Resumed once the endpoint answers: a new run sends the requests not recorded and finishes the job.
        _server.Default = ScriptedReply.Answer("""[{"text":"Fine product.","label":"positive"}]""");
        var stop = await worker.RunFirstPassAsync(job, maxConcurrentRequests: 1, default);

        Assert.Null(stop);
        Assert.Equal(GeneratorWorker.RequestCount(job), (await stores.Samples.GetRecordedRequestIndexesAsync(job.JobId, default)).Count);
    }

    [Fact]
    public async Task The_spec_sets_when_the_breaker_trips_or_turns_it_off()
    {
        _server.Default = ScriptedReply.Status(500, "upstream down");
        var stores = SqliteStores.Open(Path.Combine(_folder, "breaker-settings.db"));
        await stores.Samples.InitializeAsync(default);
        using var generator = new LlmSampleGenerator(NullLoggerFactory.Instance, TimeProvider.System,
            new ChatClientFactory(readEnvironment: _ => null), stores.Budget, new InstanceIdentity("generator-0"));
        var worker = new GeneratorWorker(generator, stores.Samples, stores.RequestClaims, new InProcessBus(), new StageActivity(Stage.Generator), TimeProvider.System,
            NullLogger<GeneratorWorker>.Instance, "generator-0");

        // Four calls in the window, all failed: the fourth trips it, three are recorded.
        var strict = Job("breaker-strict", "breaker: { minimumCalls: 4, failureRatio: 1 }");
        var down = await Assert.ThrowsAsync<ModelEndpointUnavailableException>(() => worker.RunFirstPassAsync(strict, maxConcurrentRequests: 1, default));
        Assert.Contains("4 of the last 4 model calls failed", down.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await stores.Samples.GetRecordedRequestIndexesAsync(strict.JobId, default)).Count);

        // Off: every request is sent, fails and is stored as a counted failure; the run ends without pausing.
        var off = Job("breaker-off", "breaker: { enabled: false }");
        Assert.Null(await worker.RunFirstPassAsync(off, maxConcurrentRequests: 1, default));
        var counts = await stores.Samples.CountAsync(off.JobId, default);
        Assert.Equal(GeneratorWorker.RequestCount(off), counts.RequestsFailed);
    }

    [Fact]
    public void Breaker_settings_out_of_range_are_refused_with_the_field_named()
    {
        var error = Assert.ThrowsAny<JobSpecException>(() => Job("breaker-bad", "breaker: { failureRatio: 1.5, windowSeconds: 0 }"));
        Assert.Contains("breaker-bad.yaml:21:28: generation.breaker.failureRatio", error.Message, StringComparison.Ordinal);
        Assert.Contains("generation.breaker.windowSeconds", error.Message, StringComparison.Ordinal);
    }

    private PipelineJob Job(string id = "breaker-test", string generationExtra = "")
    {
        var yaml = $"""
            id: {id}
            name: Breaker test
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
              model: test-model
              baseUrl: {_server.BaseUrl}
              target: 30
              concurrency: 1
              maxRetries: 0
              timeoutSeconds: 10
              {generationExtra}
            """;
        var spec = JobSpecLoader.Parse(yaml, $"{id}.yaml", requireFiles: false);
        return new PipelineJob(JobIds.Derive(spec), spec);
    }
}
