using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Synth.Contracts.Datasets;
using Synth.Contracts.Samples;
using Synth.Delivery.Processor;
using Synth.Jobs;
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
        var stores = SqliteStores.Open(Path.Combine(_folder, "synth.db"));
        await stores.Samples.InitializeAsync(CancellationToken.None);
        var specText = TestJob.Spec("sink-e2e", target: 120, samplesPerRequest: 4);
        var spec = JobSpecLoader.Parse(specText, "sink-e2e.yaml", baseDirectory: null, requireFiles: false);
        var job = new PipelineJob(JobIds.Derive(spec), spec);

        await using (var services = Compose(stores))
        {
            var started = new List<IHostedService>();
            foreach (var hosted in services.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
                started.Add(hosted);
            }

            var counts = await new LocalPipeline(services).RunAsync(job, specText, progress: null, CancellationToken.None);
            Assert.True(counts[SampleState.Evaluated] > 0);
            started.Reverse();
            foreach (var hosted in started)
            {
                // The sink stops first (reverse order) and seals what it holds.
                await hosted.StopAsync(CancellationToken.None);
            }
        }

        var curated = await stores.Samples.ReadSamplesAsync(
            new SampleQuery { JobId = job.JobId, States = [SampleState.Evaluated], Limit = 500 }, CancellationToken.None).ToListAsync();
        var rows = DuckDbDatasetReader.Read(Path.Combine(_folder, "datasets", job.JobId));

        Assert.Equal(curated.Select(s => s.Id).Order(StringComparer.Ordinal), rows.Select(r => r.Id));
        var byId = curated.ToDictionary(s => s.Id);
        Assert.All(rows, r =>
        {
            var sample = byId[r.Id];
            Assert.Equal((sample.Version, sample.Content.Label, sample.Content.Text), (r.Version, r.Label, r.Text));
            Assert.Equal(DatasetSplit.Of(r.Id, spec.Evaluation.Export), r.Split);
            Assert.Equal(r.Split, r.FileSplit);
        });
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
