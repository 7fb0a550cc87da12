using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Samples;
using Synth.Curation.Processor.Filter;
using Synth.Jobs;
using Synth.Pipeline;
using Synth.Store;
using Synth.Store.Sqlite;

namespace Synth.Curation.Processor.Tests.Filter;

/// <summary>A temporary SQLite file, jobs parsed from YAML like a user's spec, and samples as the generator stores them.</summary>
public sealed class FilterTestKit : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "synth-filter-tests-" + Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> owned = [];

    public string DatabasePath => Path.Combine(directory, "store.db");

    /// <summary>New store objects on the shared file: a second instance, or the same instance after a restart.</summary>
    public async Task<SynthStores> StoresAsync()
    {
        var stores = SqliteStores.Open(DatabasePath);
        await stores.Samples.InitializeAsync(CancellationToken.None);
        return stores;
    }

    public FilterProcessor Processor(SynthStores stores, Func<IEmbeddingGenerator<string, Embedding<float>>>? loadEmbeddings = null)
    {
        var processor = new FilterProcessor(stores.Samples, stores.Dedup, NullLoggerFactory.Instance, TimeProvider.System, loadEmbeddings);
        owned.Add(processor);
        return processor;
    }

    /// <param name="filter">The body of curation.filter, indented four spaces.</param>
    public static PipelineJob Job(string id, string filter = "    relevance: { enabled: false }\n    dedup: { semantic: false }", string baseUrl = "http://127.0.0.1:9/v1") =>
        new(id, JobSpecLoader.Parse($"""
            id: {id}
            name: filter test {id}
            task:
              type: text-classification
              role: a shopper writing honest reviews
              purpose: train a sentiment classifier for product reviews
              dataDescription: One short customer review of a consumer product, in English.
              labels:
                - {"{"} name: positive, description: satisfied {"}"}
                - {"{"} name: negative, description: dissatisfied {"}"}
            generation:
              baseUrl: {baseUrl}
              model: scripted-model
              maxRetries: 0
            curation:
              filter:
            {filter}
            """, "job.yaml"));

    public static SampleDocument Sample(string jobId, int index, string text, string label = "positive", Dictionary<string, string>? conditions = null) => new()
    {
        Id = SampleIds.For(jobId, index, 0),
        JobId = jobId,
        TaskType = TaskType.TextClassification,
        State = SampleState.Generated,
        Content = new SampleContent { Text = text, Label = label },
        Provenance = new Provenance { RequestId = $"{jobId}-r{index}", RequestIndex = index, Conditions = conditions ?? [] },
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };

    /// <summary>What StageWorker does with a verdict: record it on the sample and store it.</summary>
    public static async Task<StageVerdict> DecideAndStoreAsync(FilterProcessor processor, SynthStores stores, PipelineJob job, SampleDocument sample)
    {
        var verdict = await processor.ProcessAsync(sample, job, CancellationToken.None);
        sample.Decisions.Add(new StageDecision { Stage = Stage.Filter, Outcome = verdict.Outcome, Scores = verdict.Scores!.ToDictionary(), Reason = verdict.Reason });
        sample.State = verdict.Outcome;
        await stores.Samples.SaveSampleAsync(sample, CancellationToken.None);
        return verdict;
    }

    public void Dispose()
    {
        foreach (var disposable in owned)
        {
            disposable.Dispose();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
