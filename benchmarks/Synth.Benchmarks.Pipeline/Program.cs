using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;
using Synth.Store.Sqlite;
using Synth.Testing;

// Usage: dotnet run -c Release --project benchmarks/Synth.Benchmarks.Pipeline -- [samples=2000] [rounds=3] [raw messages=20000]
// Each round measures, back to back on the same machine: the broker host's steady-state raw produce+consume rate for
// the stages' messages, the four-process pipeline, and the one-machine pipeline. Ratios are taken within a round.
var samples = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var rawMessages = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20_000;
const int SamplesPerRequest = 5;

Console.WriteLine($"pipeline benchmark: {samples} samples per run, {rawMessages} raw messages, {rounds} rounds, {Environment.ProcessorCount} cores");
Console.WriteLine("| round | raw broker msg/s | distributed samples/s | one-machine samples/s | distributed / raw | one-machine / raw |");
Console.WriteLine("|---|---|---|---|---|---|");
var results = new List<(double Raw, double Distributed, double Local)>();
for (var round = 1; round <= rounds; round++)
{
    var raw = await RawBrokerRateAsync(rawMessages);
    var distributed = await DistributedRateAsync($"bench-distributed-{round}", samples);
    var local = await OneMachineRateAsync($"bench-local-{round}", samples);
    results.Add((raw, distributed, local));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {round} | {raw:F0} | {distributed:F0} | {local:F0} | {distributed / raw:F3} | {local / raw:F3} |"));
}

var median = (Func<(double Raw, double Distributed, double Local), double> pick) => results.Select(pick).Order().ElementAt(results.Count / 2);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"median ratios: distributed / raw = {median(r => r.Distributed / r.Raw):F3}, one-machine / raw = {median(r => r.Local / r.Raw):F3}"));
return 0;

// Steady-state raw rate: a consumer joins its group and receives a first message before the clock starts (group join
// and the first fetch are start-up, not throughput); then N stage notifications (the filter's input message, headers
// included) are produced by an idempotent acks=all producer, as the stages publish, and consumed by that warm consumer
// concurrently, through the same broker host and port forwarding: messages per second from the first produce to the
// last consume.
static async Task<double> RawBrokerRateAsync(int count)
{
    const string Topic = "bench.raw";
    var directory = Directory.CreateTempSubdirectory("synth-bench-raw-").FullName;
    var topicsFile = Path.Combine(directory, "topics.txt");
    await File.WriteAllTextAsync(topicsFile, $"{Topic} 12\n");
    await using var broker = await KafkaBrokerProcess.StartAsync(topicsFile);
    var outbound = SampleMessages.For(ExampleSample(), "/synth/generator/bench", DateTimeOffset.UtcNow)!;
    var headers = new Headers();
    foreach (var header in outbound.Headers)
    {
        headers.Add(header.Name, header.Value);
    }

    using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
    {
        BootstrapServers = broker.Bootstrap,
        EnableIdempotence = true,
        Acks = Acks.All,
        LingerMs = 5,
    }).Build();
    using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
    {
        BootstrapServers = broker.Bootstrap,
        GroupId = "bench",
        AutoOffsetReset = AutoOffsetReset.Earliest,
        FetchWaitMaxMs = 10,
        SessionTimeoutMs = 3000,
        HeartbeatIntervalMs = 500,
    }).Build();
    consumer.Subscribe(Topic);

    // Warm-up: one message through, so the consumer has joined, been assigned and fetched.
    await producer.ProduceAsync(Topic, new Message<string, byte[]> { Key = "warm-up", Value = outbound.Value, Headers = headers });
    if (consumer.Consume(TimeSpan.FromSeconds(60)) is null)
    {
        throw new TimeoutException("The warm-up message did not come back.");
    }

    var clock = Stopwatch.StartNew();
    var produced = Task.Run(async () =>
    {
        var deliveries = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            deliveries.Add(producer.ProduceAsync(Topic, new Message<string, byte[]> { Key = $"sample-{i}", Value = outbound.Value, Headers = headers }));
        }

        await Task.WhenAll(deliveries);
    });
    var received = 0;
    while (received < count)
    {
        if (consumer.Consume(TimeSpan.FromSeconds(30)) is null)
        {
            throw new TimeoutException($"Only {received} of {count} messages came back.");
        }

        received++;
    }

    var rate = count / clock.Elapsed.TotalSeconds;
    await produced;
    consumer.Close();
    Directory.Delete(directory, recursive: true);
    return rate;
}

// Four processes: samples per second from the first sample's creation to the last final write. Warm, as the raw
// baseline: the three consuming stages have joined their groups before the generator starts (at 2,000 samples a
// cold start's group joins took longer than the work itself).
static async Task<double> DistributedRateAsync(string jobId, int count)
{
    var environment = TestJob.ProcessorEnvironment();
    environment["Logging__LogLevel__Default"] = "Warning";
    environment["Logging__LogLevel__Synth.Messaging.Kafka"] = "Information";
    environment["Telemetry__OtlpEndpoint"] = null;
    await using var pipeline = await DistributedPipeline.PrepareAsync(jobId, TestJob.Spec(jobId, count, SamplesPerRequest), environment);
    Stage[] consuming = [Stage.Filter, Stage.LabelRefiner, Stage.Evaluator];
    foreach (var stage in consuming)
    {
        pipeline.Start(stage);
    }

    foreach (var stage in consuming)
    {
        await pipeline.WaitForAssignmentAsync(stage.Name(), TimeSpan.FromMinutes(2));
    }

    pipeline.Start(Stage.Generator);
    await pipeline.WaitForFinalAsync(jobId, count, TimeSpan.FromMinutes(10));
    var rate = await RateAsync(pipeline.Store, jobId, count, "distributed");
    pipeline.StopAll();
    return rate;
}

static async Task<double> OneMachineRateAsync(string jobId, int count)
{
    var directory = Directory.CreateTempSubdirectory("synth-bench-local-").FullName;
    var spec = TestJob.WriteSpec(directory, jobId, count, SamplesPerRequest);
    var database = Path.Combine(directory, "synth.db");
    using (var run = ChildProcess.StartDotnet("synth run", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"),
        ["run", spec, "--store", database], TestJob.ProcessorEnvironment(), directory))
    {
        if (await run.WaitForExitAsync(TimeSpan.FromMinutes(10)) != 0)
        {
            throw new InvalidOperationException($"synth run failed.\n{run.Tail()}");
        }
    }

    var store = SqliteStores.Open(database).Samples;
    var rate = await RateAsync(store, jobId, count, "one-machine");
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(directory, recursive: true);
    return rate;
}

// Every sample the job made (the curated target plus those rejected on the way, which it makes up for) per second,
// from the first sample's creation to the last sample's final write.
// Also prints where the time went, from the decisions' timestamps: per stage, the rate at which it decided and the
// delay from the previous stage's decision to its own (queueing + read + process + write).
static async Task<double> RateAsync(ISampleStore store, string jobId, int curated, string run)
{
    DateTimeOffset first = DateTimeOffset.MaxValue, last = DateTimeOffset.MinValue;
    var seen = 0;
    var decided = new Dictionary<Stage, List<DateTimeOffset>>();
    var hops = new Dictionary<Stage, List<double>>();
    await foreach (var sample in store.ReadSamplesAsync(new SampleQuery { JobId = jobId, Limit = 1000 }, CancellationToken.None))
    {
        first = sample.CreatedAt < first ? sample.CreatedAt : first;
        last = sample.UpdatedAt > last ? sample.UpdatedAt : last;
        seen++;
        for (var i = 0; i < sample.Decisions.Count; i++)
        {
            var decision = sample.Decisions[i];
            (decided.TryGetValue(decision.Stage, out var at) ? at : decided[decision.Stage] = []).Add(decision.At);
            if (i > 0)
            {
                (hops.TryGetValue(decision.Stage, out var delays) ? delays : hops[decision.Stage] = []).Add((decision.At - sample.Decisions[i - 1].At).TotalMilliseconds);
            }
        }
    }

    if (seen < curated)
    {
        throw new InvalidOperationException($"Expected at least {curated} samples, found {seen}.");
    }

    foreach (var (stage, at) in decided.OrderBy(d => d.Key))
    {
        var span = (at.Max() - at.Min()).TotalSeconds;
        var delays = hops.GetValueOrDefault(stage)?.Order().ToList();
        var delay = delays is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $", delay after the previous stage p50 {delays[delays.Count / 2]:F0} ms, p95 {delays[delays.Count * 95 / 100]:F0} ms");
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {run} {stage}: {at.Count} decisions in {span:F1} s ({at.Count / span:F0}/s), from +{(at.Min() - first).TotalSeconds:F1} s to +{(at.Max() - first).TotalSeconds:F1} s{delay}"));
    }

    return seen / (last - first).TotalSeconds;
}

static SampleDocument ExampleSample()
{
    return new SampleDocument
    {
        Id = SampleIds.For("bench", 0, 0),
        JobId = "bench",
        TaskType = TaskType.TextClassification,
        Content = new SampleContent { Text = "Scripted review 0 about the battery.", Label = "positive" },
        Provenance = new Provenance
        {
            RequestId = SampleIds.Request("bench", 0),
            Strategy = "scripted",
            TemplateId = "scripted-v1",
            Conditions = new Dictionary<string, string> { ["topic"] = "battery" },
            Model = "scripted-model",
        },
        Decisions =
        [
            new StageDecision { Stage = Stage.Generator, Outcome = SampleState.Generated, DecidedBy = "generator-1", TraceId = new string('a', 32), SpanId = new string('b', 16) },
            new StageDecision { Stage = Stage.Filter, Outcome = SampleState.Accepted, DecidedBy = "filter-1", TraceId = new string('a', 32), SpanId = new string('c', 16), Scores = new() { ["length"] = 36 } },
        ],
    };
}
