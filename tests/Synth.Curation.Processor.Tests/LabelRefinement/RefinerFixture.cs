using Microsoft.Data.Sqlite;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Jobs;
using Synth.Pipeline;
using Synth.Store;
using Synth.Store.Sqlite;

namespace Synth.Curation.Processor.Tests.LabelRefinement;

/// <summary>A real SQLite store in a temp folder, and the sample/job builders the label-refiner tests share.</summary>
internal sealed class RefinerFixture : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 17, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "synth-refiner-tests-" + Guid.NewGuid().ToString("N"));

    private RefinerFixture() => Stores = SqliteStores.Open(DatabasePath);

    public SynthStores Stores { get; }

    public ISampleStore Store => Stores.Samples;

    public string DatabasePath => Path.Combine(_folder, "store.db");

    public static async Task<RefinerFixture> CreateAsync()
    {
        var fixture = new RefinerFixture();
        await fixture.Store.InitializeAsync(CancellationToken.None);
        return fixture;
    }

    /// <summary>A positive/negative classification job; <paramref name="refinement"/> is the YAML of the section's body.</summary>
    public static PipelineJob Job(string id, string refinement = "", string type = "text-classification", string generationExtra = "")
    {
        var labels = type == "text-classification"
            ? "  labels:\n    - { name: negative, description: The reviewer is dissatisfied. }\n    - { name: positive, description: The reviewer is satisfied. }"
            : "";
        var section = refinement.Length == 0 ? "" : "curation:\n  labelRefinement:\n" + string.Join('\n', refinement.Split('\n').Select(line => "    " + line));
        var spec = JobSpecLoader.Parse($"""
            id: {id}
            name: {id}
            task:
              type: {type}
              dataDescription: Short product reviews.
            {labels}
            demonstrations:
              k: 0
            generation:
              baseUrl: http://127.0.0.1:9/v1
              model: generator
            {generationExtra}
            {section}
            """, "job.yaml");
        return new PipelineJob(id, spec);
    }

    public static SampleDocument Sample(string jobId, int index, string text, string label, SampleState state = SampleState.Accepted, TaskType taskType = TaskType.TextClassification) => new()
    {
        Id = SampleIds.For(jobId, index, 0),
        JobId = jobId,
        TaskType = taskType,
        State = state,
        Content = new SampleContent { Text = text, Label = label },
        Provenance = new Provenance { RequestId = SampleIds.Request(jobId, index), RequestIndex = index },
        LabelHistory = [new LabelChange { To = label, Method = LabelMethod.Generator, At = Now }],
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        await Task.Yield();
        Directory.Delete(_folder, recursive: true);
    }
}
