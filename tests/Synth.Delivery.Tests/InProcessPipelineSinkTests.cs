using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Synth.Contracts.Datasets;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Curation.Labels;
using Synth.Delivery.Processor;
using Synth.Jobs;
using Synth.Messaging;
using Synth.Pipeline;
using Synth.Store;
using Synth.Store.Sqlite;
using Synth.TestProcessors;
using Synth.Testing;

namespace Synth.Delivery.Tests;

/// <summary>
/// The one-machine pipeline (<see cref="PipelineComposition.AddSynthPipeline"/> over the in-process bus, scripted
/// processors) with the dataset sink beside it: every sample the evaluator keeps reaches the shards, as the store has it.
/// </summary>
public sealed class InProcessPipelineSinkTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("synth-sink-e2e-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Every_curated_sample_of_a_run_is_in_the_shards_once_with_its_stored_version_label_and_split()
    {
        var (stores, job) = await RunAsync(afterRun: null);

        var curated = await Curated(stores, job);
        var rows = DuckDbDatasetReader.Read(Path.Combine(_folder, "datasets", job.JobId));

        Assert.Equal(curated.Select(s => s.Id).Order(StringComparer.Ordinal), rows.Select(r => r.Id));
        var byId = curated.ToDictionary(s => s.Id);
        Assert.All(rows, r =>
        {
            var sample = byId[r.Id];
            Assert.Equal((sample.Version, sample.Content.Label, sample.Content.Text), (r.Version, r.Label, r.Text));
            Assert.Equal(DatasetSplit.Of(r.Id, job.Spec.Evaluation.Export), r.Split);
            Assert.Equal(r.Split, r.FileSplit);
        });
    }

    [Fact]
    public async Task A_relabel_after_curation_leaves_only_the_latest_version_and_a_rejection_removes_the_row()
    {
        string relabelled = "", rejected = "";
        var (stores, job) = await RunAsync(async (services, stores, job) =>
        {
            // The sink sealed the run's rows first, so the changes supersede rows of listed shards.
            var curated = await Curated(stores, job);
            relabelled = curated[0].Id;
            rejected = curated[1].Id;
            var bus = services.GetRequiredService<IMessagePublisher>();
            await ReviewAsync(stores, bus, job, relabelled, sample => HumanReview.Submit(sample, Flipped(sample.Content.Label), "alice", DateTimeOffset.UtcNow));
            await ReviewAsync(stores, bus, job, rejected, sample => HumanReview.Reject(sample, "alice", DateTimeOffset.UtcNow, "off topic"));
        });

        var stored = (await Curated(stores, job)).ToDictionary(s => s.Id);
        var manifest = await new LocalFolderTarget(Path.Combine(_folder, "datasets")).ReadManifestAsync(job.JobId, 0, CancellationToken.None);
        var rows = DuckDbDatasetReader.Read(Path.Combine(_folder, "datasets", job.JobId));

        Assert.Equal(stored.Count - 1, rows.Count);
        Assert.DoesNotContain(rows, r => r.Id == rejected);
        var row = Assert.Single(rows, r => r.Id == relabelled);
        Assert.Equal((stored[relabelled].Version, stored[relabelled].Content.Label), (row.Version, row.Label));
        Assert.Equal(new[] { relabelled, rejected }.Order(StringComparer.Ordinal), manifest!.Superseded.Select(s => s.SampleId).Order(StringComparer.Ordinal));
    }

    private static string Flipped(string? label) => label == "positive" ? "negative" : "positive";

    /// <summary>What the review API does: lease, complete in the store, publish what the curated topic must now hold.</summary>
    private static async Task ReviewAsync(SynthStores stores, IMessagePublisher bus, PipelineJob job, string sampleId, Action<SampleDocument> review)
    {
        var sample = (await stores.Samples.GetSampleAsync(sampleId, CancellationToken.None))!;
        sample.Review = new ReviewRecord { Priority = 1, RequestedAt = DateTimeOffset.UtcNow };
        Assert.True(await stores.Samples.TryReplaceSampleAsync(sample, sample.Version, CancellationToken.None));
        var lease = (await stores.Reviews.LeaseNextReviewAsync(job.JobId, "alice", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), CancellationToken.None))!;
        var completion = await stores.Reviews.CompleteReviewAsync(sampleId, lease.LeaseToken, review, CancellationToken.None);
        Assert.Equal(ReviewCompletionStatus.Completed, completion.Status);
        await bus.PublishAsync(CuratedRecords.Current(completion.Sample!, job.Spec, "/test/review", DateTimeOffset.UtcNow)!, CancellationToken.None);
    }

    /// <summary>Until the sink has handled (sealed) every curated record published so far.</summary>
    private static async Task WaitUntilHandledAsync(InProcessBus bus)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (bus.UnfinishedCount(Topics.Curated) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The sink did not handle the review's records in 30 s.");
            await Task.Delay(50);
        }
    }

    private static async Task<List<SampleDocument>> Curated(SynthStores stores, PipelineJob job) =>
        await stores.Samples.ReadSamplesAsync(
            new SampleQuery { JobId = job.JobId, States = [SampleState.Evaluated], Limit = 500 }, CancellationToken.None).ToListAsync();

    /// <summary>Runs a job through the pipeline with the sink beside it, then <paramref name="afterRun"/>, then stops the hosts (the sink seals what it holds).</summary>
    private async Task<(SynthStores Stores, PipelineJob Job)> RunAsync(Func<IServiceProvider, SynthStores, PipelineJob, Task>? afterRun)
    {
        var stores = SqliteStores.Open(Path.Combine(_folder, "synth.db"));
        await stores.Samples.InitializeAsync(CancellationToken.None);
        var specText = TestJob.Spec("sink-e2e", target: 120, samplesPerRequest: 4);
        var spec = JobSpecLoader.Parse(specText, "sink-e2e.yaml", baseDirectory: null, requireFiles: false);
        var job = new PipelineJob(JobIds.Derive(spec), spec);

        await using var services = Compose(stores);
        var started = new List<IHostedService>();
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
            started.Add(hosted);
        }

        var counts = await new LocalPipeline(services).RunAsync(job, specText, progress: null, CancellationToken.None);
        Assert.True(counts[SampleState.Evaluated] > 1);
        if (afterRun is not null)
        {
            await WaitUntilHandledAsync(services.GetRequiredService<InProcessBus>());
            await afterRun(services, stores, job);
        }

        started.Reverse();
        foreach (var hosted in started)
        {
            // The sink stops first (reverse order): it takes in what is still queued on the bus and seals what it holds.
            await hosted.StopAsync(CancellationToken.None);
        }

        return (stores, job);
    }

    private ServiceProvider Compose(SynthStores stores)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DatasetSink:Folder"] = Path.Combine(_folder, "datasets"),
            ["DatasetSink:MaxRowsPerShard"] = "16",
            ["DatasetSink:MaxShardAgeSeconds"] = "0.5",
        }).Build());
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(new ProcessorOptions()));
        services.AddSingleton(stores.Samples);
        services.AddSingleton(stores.Browse);
        services.AddSingleton(stores.RequestClaims);
        services.AddSingleton(new InstanceIdentity("sink-e2e"));
        services.AddSingleton(new StageModule(Stage.Generator, _ => new ScriptedGenerator()));
        services.AddSingleton(new StageModule(Stage.Filter, _ => new MarkerFilter()));
        services.AddSingleton(new StageModule(Stage.LabelRefiner, _ => new MarkerLabelRefiner(TimeProvider.System)));
        services.AddSingleton(new StageModule(Stage.Evaluator, _ => new LengthEvaluator()));
        services.AddInProcessTransport();
        services.AddSynthPipeline(PipelineComposition.AllStages);
        services.AddDatasetSinkStage();
        return services.BuildServiceProvider();
    }
}
