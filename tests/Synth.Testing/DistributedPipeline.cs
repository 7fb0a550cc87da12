using System.Globalization;
using Synth.Contracts.Samples;
using Synth.Store;
using Synth.Store.Sqlite;

namespace Synth.Testing;

/// <summary>
/// The four stages as four OS processes of the worker (one dll, <c>--stage &lt;stage&gt;</c>), over a private broker host, into one SQLite file, exporting spans
/// to an OTLP receiver. Each stage can be killed (SIGKILL) and started again.
/// </summary>
public sealed class DistributedPipeline : IAsyncDisposable
{
    private static readonly Stage[] Stages = [Stage.Generator, Stage.Filter, Stage.LabelRefiner, Stage.Evaluator];

    private readonly Dictionary<Stage, ChildProcess> _running = [];
    // Further instances of a stage (StartAnother), by instance name.
    private readonly Dictionary<string, ChildProcess> _others = new(StringComparer.Ordinal);
    private readonly List<ChildProcess> _exited = [];
    private readonly Dictionary<string, string?> _environment;
    private int _generation;

    private DistributedPipeline(string directory, KafkaBrokerProcess broker, OtlpTraceReceiver traces, Dictionary<string, string?> environment, ISampleStore store)
    {
        Directory = directory;
        Broker = broker;
        Traces = traces;
        _environment = environment;
        Store = store;
    }

    public string Directory { get; }

    public KafkaBrokerProcess Broker { get; }

    public OtlpTraceReceiver Traces { get; }

    public ISampleStore Store { get; }

    public static async Task<DistributedPipeline> StartAsync(string jobId, int target, int samplesPerRequest, IReadOnlyDictionary<string, string?>? extraEnvironment = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"synth-e2e-{jobId}-").FullName;
        var specPath = TestJob.WriteSpec(directory, jobId, target, samplesPerRequest);
        var broker = await KafkaBrokerProcess.StartAsync();
        var traces = new OtlpTraceReceiver();
        var storePath = Path.Combine(directory, "synth.db");
        var environment = TestJob.ProcessorEnvironment();
        environment["Kafka__BootstrapServers"] = broker.Bootstrap;
        foreach (var (key, value) in KafkaBrokerProcess.FastTestSettings)
        {
            environment[$"Kafka__Settings__{key}"] = value;
        }

        environment["Store__Provider"] = "Sqlite";
        environment["Store__SqlitePath"] = storePath;
        environment["Generator__JobFile"] = specPath;
        environment["Telemetry__OtlpEndpoint"] = traces.TracesEndpoint.ToString();
        environment["Telemetry__OtlpProtocol"] = "http/protobuf";
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        environment["Logging__LogLevel__Default"] = "Information";
        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        var store = SqliteStores.Open(storePath).Samples;
        await store.InitializeAsync(CancellationToken.None);
        var pipeline = new DistributedPipeline(directory, broker, traces, environment, store);
        foreach (var stage in Stages)
        {
            pipeline.Start(stage);
        }

        return pipeline;
    }

    public void Start(Stage stage)
    {
        var environment = new Dictionary<string, string?>(_environment)
        {
            ["Synth__InstanceName"] = string.Create(CultureInfo.InvariantCulture, $"{stage.Name()}-{++_generation}"),
            ["Health__FilePath"] = Path.Combine(Directory, $"{stage.Name()}.health.json"),
        };
        _running[stage] = ChildProcess.StartDotnet(stage.Name(), RepoPaths.Worker, ["--stage", stage.Name()], environment, Directory);
    }

    /// <summary>
    /// Starts one more instance of <paramref name="stage"/> beside the running ones, named <paramref name="instance"/>
    /// (unique), with <paramref name="environment"/> over the pipeline's.
    /// </summary>
    public void StartAnother(Stage stage, string instance, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var merged = new Dictionary<string, string?>(_environment)
        {
            ["Synth__InstanceName"] = instance,
            ["Health__FilePath"] = Path.Combine(Directory, $"{instance}.health.json"),
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }

        _others.Add(instance, ChildProcess.StartDotnet(instance, RepoPaths.Worker, ["--stage", stage.Name()], merged, Directory));
    }

    /// <summary>SIGKILL of an instance <see cref="StartAnother"/> started.</summary>
    public void Kill(string instance)
    {
        var process = _others[instance];
        process.Kill();
        _others.Remove(instance);
        _exited.Add(process);
    }

    private IEnumerable<ChildProcess> Running => _running.Values.Concat(_others.Values);

    /// <summary>SIGKILL: the process gets no chance to finish, commit or flush anything.</summary>
    public void Kill(Stage stage)
    {
        var process = _running[stage];
        process.Kill();
        _running.Remove(stage);
        _exited.Add(process);
    }

    /// <summary>
    /// Waits until the job has <paramref name="curated"/> curated (evaluated) samples and every stored sample is decided
    /// or dead-lettered, with nothing new stored for a second (the generator plans no more once the target is met, and
    /// its last requests have landed), failing fast if a service died.
    /// </summary>
    public async Task<JobCounts> WaitForFinalAsync(string jobId, int curated, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JobCounts? settled = null;
        while (true)
        {
            var counts = await Store.CountAsync(jobId, CancellationToken.None);
            var done = counts[SampleState.Evaluated] >= curated
                && counts.TotalSamples <= counts[SampleState.Evaluated] + counts[SampleState.Rejected] + counts.Failures;
            if (done && settled is not null && settled.TotalSamples == counts.TotalSamples)
            {
                return counts;
            }

            settled = done ? counts : null;
            if (Running.FirstOrDefault(p => p.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"{dead.Name} exited with {dead.ExitCode}.\n{dead.Tail()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Only {Describe(counts)} after {timeout}.\n{Logs()}");
            }

            await Task.Delay(done ? 1000 : 200);
        }
    }

    public async Task WaitForAsync(Func<JobCounts, bool> condition, string jobId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(await Store.CountAsync(jobId, CancellationToken.None)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not reached after {timeout}.\n{Logs()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Stops every service gracefully (SIGTERM), so their last spans are exported.</summary>
    public void StopAll()
    {
        foreach (var process in Running)
        {
            if (!process.Terminate(TimeSpan.FromSeconds(40)))
            {
                throw new TimeoutException($"{process.Name} did not stop on SIGTERM.\n{process.Tail()}");
            }
        }
    }

    public string Logs() => string.Join("\n", Running.Concat(_exited).Select(p => p.Tail(40)));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Running.Concat(_exited))
        {
            process.Dispose();
        }

        await Traces.DisposeAsync();
        await Broker.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static string Describe(JobCounts counts) =>
        string.Join(", ", counts.Samples.Select(kv => $"{kv.Key}={kv.Value}")) + $", failures={counts.Failures}";
}
