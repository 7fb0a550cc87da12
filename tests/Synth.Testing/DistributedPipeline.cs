using System.Globalization;
using Synth.Contracts.Samples;
using Synth.Store;
using Synth.Store.Sqlite;

namespace Synth.Testing;

/// <summary>
/// The four stages as OS processes of the worker (one dll, <c>--stage &lt;stage&gt;</c>), over a private broker host, into one SQLite file, exporting spans
/// to an OTLP receiver. Each process can be killed (SIGKILL) and started again; a stage can run as several named instances.
/// </summary>
public sealed class DistributedPipeline : IAsyncDisposable
{
    private static readonly Stage[] Stages = [Stage.Generator, Stage.Filter, Stage.LabelRefiner, Stage.Evaluator];

    private readonly Dictionary<string, ChildProcess> _running = [];
    private readonly Dictionary<string, int> _prometheusPorts = [];
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

    /// <summary>The four stages, one instance each, running the test processors on the scripted job.</summary>
    public static async Task<DistributedPipeline> StartAsync(string jobId, int target, int samplesPerRequest, IReadOnlyDictionary<string, string?>? extraEnvironment = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"synth-e2e-{jobId}-").FullName;
        var specPath = TestJob.WriteSpec(directory, jobId, target, samplesPerRequest);
        var environment = TestJob.ProcessorEnvironment();
        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        var pipeline = await PrepareAsync(directory, specPath, environment);
        foreach (var stage in Stages)
        {
            pipeline.Start(stage);
        }

        return pipeline;
    }

    /// <summary>
    /// The broker, store and trace receiver for the job in <paramref name="spec"/>, with no process started: the caller
    /// starts the instances it wants (<see cref="StartInstance"/>). Without processor settings the stages run their built-ins.
    /// </summary>
    public static Task<DistributedPipeline> PrepareAsync(string jobId, string spec, IReadOnlyDictionary<string, string?> environment)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"synth-e2e-{jobId}-").FullName;
        var specPath = Path.Combine(directory, "job.yaml");
        File.WriteAllText(specPath, spec);
        return PrepareAsync(directory, specPath, new Dictionary<string, string?>(environment));
    }

    private static async Task<DistributedPipeline> PrepareAsync(string directory, string specPath, Dictionary<string, string?> environment)
    {
        var broker = await KafkaBrokerProcess.StartAsync();
        var traces = new OtlpTraceReceiver();
        var storePath = Path.Combine(directory, "synth.db");
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
        environment.TryAdd("Logging__LogLevel__Default", "Information");
        var store = SqliteStores.Open(storePath).Samples;
        await store.InitializeAsync(CancellationToken.None);
        return new DistributedPipeline(directory, broker, traces, environment, store);
    }

    /// <summary>Starts the stage's one instance, under a new instance name each time, with its health file named after the stage.</summary>
    public void Start(Stage stage) => StartProcess(stage, stage.Name(), string.Create(CultureInfo.InvariantCulture, $"{stage.Name()}-{++_generation}"));

    /// <summary>
    /// Starts one more instance of <paramref name="stage"/> named <paramref name="instance"/> (its decisions' DecidedBy),
    /// serving Prometheus metrics on a port of its own (<see cref="MetricsUrl"/>).
    /// </summary>
    public void StartInstance(Stage stage, string instance)
    {
        var port = _prometheusPorts[instance] = OtlpTraceReceiver.FreePort();
        StartAnother(stage, instance, new Dictionary<string, string?> { ["Telemetry__PrometheusPort"] = port.ToString(CultureInfo.InvariantCulture) });
    }

    /// <summary>
    /// Starts one more instance of <paramref name="stage"/> beside the running ones, named <paramref name="instance"/>
    /// (unique), with <paramref name="environment"/> over the pipeline's.
    /// </summary>
    public void StartAnother(Stage stage, string instance, IReadOnlyDictionary<string, string?>? environment = null) =>
        StartProcess(stage, instance, instance, environment);

    /// <summary>The scrape endpoint of an instance started by <see cref="StartInstance"/>.</summary>
    public Uri MetricsUrl(string instance) => new($"http://127.0.0.1:{_prometheusPorts[instance]}/metrics");

    private void StartProcess(Stage stage, string key, string instanceName, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>(_environment)
        {
            ["Synth__InstanceName"] = instanceName,
            ["Health__FilePath"] = Path.Combine(Directory, $"{key}.health.json"),
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }

        _running[key] = ChildProcess.StartDotnet(instanceName, RepoPaths.Worker, ["--stage", stage.Name()], environment, Directory);
    }

    /// <summary>
    /// Waits until the instance started under <paramref name="instance"/> logged partitions assigned to its group (it
    /// logs at Information level for <c>Synth.Messaging.Kafka</c>): its consumer has joined and can fetch.
    /// </summary>
    public async Task WaitForAssignmentAsync(string instance, TimeSpan timeout)
    {
        var process = _running[instance];
        var deadline = DateTime.UtcNow + timeout;
        while (!process.Output.Split('\n').Any(line => line.Contains("assigned partitions ", StringComparison.Ordinal) && char.IsAsciiDigit(line.TrimEnd()[^1])))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{instance} got no partitions within {timeout}.\n{process.Tail()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: the process gets no chance to finish, commit or flush anything.</summary>
    public void Kill(Stage stage) => Kill(stage.Name());

    /// <summary>SIGKILL of the instance started under <paramref name="instance"/>.</summary>
    public void Kill(string instance)
    {
        var process = _running[instance];
        process.Kill();
        _running.Remove(instance);
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
            if (_running.Values.FirstOrDefault(p => p.HasExited) is { } dead)
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

    /// <summary>
    /// Stops every service gracefully (SIGTERM), so their last spans are exported: all at once, as <c>docker compose
    /// down</c> does, rather than one by one, which rebalances each group onto the instances still stopping.
    /// </summary>
    public void StopAll()
    {
        foreach (var process in _running.Values)
        {
            process.Terminate(TimeSpan.Zero);
        }

        foreach (var process in _running.Values)
        {
            if (!process.WaitForExit(TimeSpan.FromSeconds(40)))
            {
                throw new TimeoutException($"{process.Name} did not stop on SIGTERM.\n{process.Tail()}");
            }
        }
    }

    public string Logs() => string.Join("\n", _running.Values.Concat(_exited).Select(p => p.Tail(40)));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _running.Values.Concat(_exited))
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
