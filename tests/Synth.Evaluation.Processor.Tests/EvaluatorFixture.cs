using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Samples;
using Synth.Jobs;
using Synth.Messaging;
using Synth.Pipeline;
using Synth.Store;
using Synth.Store.Sqlite;

namespace Synth.Evaluation.Processor.Tests;

/// <summary>A temporary SQLite store with a job's refined samples, and evaluator stage workers over it.</summary>
internal sealed class EvaluatorFixture : IAsyncDisposable
{
    public const string JobId = "eval-job";

    private static readonly string[] Topics = ["battery", "screen", "price"];
    private static readonly string[] Words =
        ["great", "poor", "battery", "lasts", "days", "screen", "cracked", "price", "fair", "cheap", "bright", "slow", "fast", "would", "buy", "again"];

    private readonly string _directory = Directory.CreateTempSubdirectory("synth-eval-tests-").FullName;

    private EvaluatorFixture(PipelineJob job) => Job = job;

    public PipelineJob Job { get; }

    public string DatabasePath => Path.Combine(_directory, "synth.db");

    public static string Spec(bool embeddings, int everySamples, int target, bool labelQuota) => $$"""
        id: {{JobId}}
        name: evaluator test
        task:
          type: text-classification
          dataDescription: short product reviews
          labels:
            - { name: positive, description: satisfied }
            - { name: negative, description: dissatisfied }
          labelQuota: {{(labelQuota ? "true" : "false")}}
        conditions:
          dimensions:
            - name: topic
              values: [battery, screen, price]
            - name: tone
              values: [plain, angry]
        generation:
          baseUrl: http://127.0.0.1:9/v1
          model: m
          target: {{target}}
        evaluation:
          embeddings: {{(embeddings ? "true" : "false")}}
          feedback: { everySamples: {{everySamples}}, everySeconds: 3600 }
        """;

    /// <param name="target">The curated target; with <paramref name="labelQuota"/> each label's quota is half of it (uniform shares).</param>
    public static async Task<EvaluatorFixture> CreateAsync(bool embeddings = false, int everySamples = 5, int target = 100, bool labelQuota = false)
    {
        var fixture = new EvaluatorFixture(new PipelineJob(JobId, JobSpecLoader.Parse(Spec(embeddings, everySamples, target, labelQuota), "job.yaml")));
        await fixture.NewStore().InitializeAsync(CancellationToken.None);
        return fixture;
    }

    /// <summary>A store object of its own on the shared file, as another process would have.</summary>
    public ISampleStore NewStore() => SqliteStores.Open(DatabasePath).Samples;

    /// <summary>Refined samples with varied words, labels and conditions, stored as the label refiner leaves them.</summary>
    public async Task<List<SampleDocument>> AddRefinedAsync(int count, int firstRequest = 0)
    {
        var random = new Random(firstRequest + 17);
        var samples = new List<SampleDocument>();
        for (var i = 0; i < count; i++)
        {
            var request = firstRequest + i;
            var words = Enumerable.Range(0, 3 + random.Next(8)).Select(_ => Words[random.Next(Words.Length)]);
            var sample = new SampleDocument
            {
                Id = SampleIds.For(JobId, request, 0),
                JobId = JobId,
                TaskType = TaskType.TextClassification,
                State = SampleState.Refined,
                Content = new SampleContent { Text = string.Join(' ', words) + ".", Label = request % 3 == 0 ? "negative" : "positive" },
                Provenance = new Provenance
                {
                    RequestId = SampleIds.Request(JobId, request),
                    RequestIndex = request,
                    Conditions = new() { ["topic"] = Topics[request % 3], ["tone"] = request % 4 == 0 ? "angry" : "plain" },
                },
            };
            samples.Add(sample);
        }

        var store = NewStore();
        foreach (var sample in samples)
        {
            await store.SaveSampleAsync(sample, CancellationToken.None);
        }

        return samples;
    }

    public StageWorker Worker(EvaluatorProcessor processor, string instance)
    {
        var store = NewStore();
        var catalog = new JobCatalog(store);
        catalog.Add(Job);
        return new StageWorker(processor, store, new NoOnwardTopic(), catalog, new StageActivity(Stage.Evaluator), TimeProvider.System,
            NullLogger<StageWorker>.Instance, instance);
    }

    public EvaluatorProcessor Processor(string instance, IFeedbackPublisher feedback, Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>? embedder = null) =>
        new(NewStore(), SqliteStores.Open(DatabasePath).Dedup, feedback, instance, TimeProvider.System, NullLogger<EvaluatorProcessor>.Instance, embedder);

    public static InboundMessage Message(SampleDocument sample)
    {
        var outbound = SampleMessages.For(sample, "/test", DateTimeOffset.UtcNow)!;
        return new InboundMessage(outbound.Topic, 0, 0, outbound.Key, outbound.Value, outbound.Headers);
    }

    public async Task<List<SampleDocument>> StoredAsync() =>
        await NewStore().ReadSamplesAsync(new SampleQuery { JobId = JobId, Limit = 200 }, CancellationToken.None).ToListAsync();

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A connection still closing; a leftover temp folder is harmless.
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Evaluated samples go no further through the pipeline: the evaluator's only messages are the sample's training
    /// record on the curated topic and, for a sample over its label quota, the rejected notification; anything else
    /// published would be a bug.
    /// </summary>
    private sealed class NoOnwardTopic : IMessagePublisher
    {
        public Task PublishAsync(OutboundMessage message, CancellationToken cancellationToken) =>
            message.Topic is Synth.Contracts.Messaging.Topics.Curated or Synth.Contracts.Messaging.Topics.Rejected
                ? Task.CompletedTask
                : throw new InvalidOperationException($"The evaluator published to {message.Topic}.");
    }
}
