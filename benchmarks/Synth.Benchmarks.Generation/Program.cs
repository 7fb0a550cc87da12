using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Samples;
using Synth.Generation.Processor;
using Synth.Jobs;
using Synth.Llm;
using Synth.Messaging;
using Synth.Pipeline;
using Synth.Store.Sqlite;
using Synth.Benchmarks.Generation;
using Synth.Testing;

// Usage: Synth.Benchmarks.Generation [requests=400] [latencyMs=100] [cap=8]
//    or: Synth.Benchmarks.Generation pipeline [target=2000] [latencyMs=200] [cap=8] [rounds=2] (CapacityBenchmark)
if (args.Length > 0 && args[0] == "pipeline")
{
    return await CapacityBenchmark.RunAsync(args[1..]);
}

var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 400;
var latency = TimeSpan.FromMilliseconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100);
var cap = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;
var ideal = cap / latency.TotalSeconds;
var folder = Directory.CreateTempSubdirectory("synth-bench-generation-").FullName;

await using var server = await ScriptedChatServer.StartAsync();
server.Default = ScriptedReply.Answer("""[{"text":"A fine product that does what it says.","label":"positive"}]""", promptTokens: 100, completionTokens: 50)
    .WithLatency(latency);

Console.WriteLine($"scripted server: latency {latency.TotalMilliseconds} ms, at most {cap} requests at once; ideal = {cap} / {latency.TotalSeconds} s = {ideal:F1} requests/s");
Console.WriteLine();
Console.WriteLine("| run | requests | seconds | requests/s | / ideal | / raw HTTP | 429s |");
Console.WriteLine("|---|---|---|---|---|---|---|");

server.MaxConcurrent = cap;
// Unmeasured warm-up of both paths: the first run in a process would otherwise pay the JIT of the SDK, the template
// engine, the tokenizer and SQLite, and measure start-up rather than throughput.
await RawHttpAsync(server, cap * 4, cap);
await GenerateAsync(server, folder, "warm-up", cap * 8, cap, rpm: null, tpm: null);
var raw = await RawHttpAsync(server, requests, cap);
Row("raw HTTP, exactly cap loops", requests, raw, 0);

foreach (var concurrency in new[] { cap, cap * 2 })
{
    var before = server.Rejected;
    var seconds = await GenerateAsync(server, folder, $"throughput-{concurrency}", requests, concurrency, rpm: null, tpm: null);
    Row($"generator, concurrency {concurrency}", requests, seconds, server.Rejected - before);
}

Console.WriteLine();
Console.WriteLine("Rate limiters under load (server cap lifted, latency 20 ms, concurrency 32):");
Console.WriteLine();
Console.WriteLine("| limit | set per minute | achieved per minute | achieved / set |");
Console.WriteLine("|---|---|---|---|");
server.MaxConcurrent = null;
server.Default = ScriptedReply.Answer("""[{"text":"A fine product that does what it says.","label":"positive"}]""", promptTokens: 100, completionTokens: 50)
    .WithLatency(TimeSpan.FromMilliseconds(20));
await LimiterAsync("requests per minute", rpm: 1200, tpm: null, count: 200);
await LimiterAsync("tokens per minute", rpm: null, tpm: 150_000, count: 200);

Directory.Delete(folder, recursive: true);
return 0;

void Row(string name, int count, double seconds, int rejected) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {count} | {seconds:F2} | {count / seconds:F1} | {count / seconds / ideal:F3} | {raw / seconds:F3} | {rejected} |"));

async Task LimiterAsync(string name, int? rpm, int? tpm, int count)
{
    var start = server.Requests.Count;
    await GenerateAsync(server, folder, $"limiter-{rpm}-{tpm}", count, 32, rpm, tpm);
    // Measured over the requests sent, after the first (the bucket starts with a burst of 5% of a minute).
    var sent = server.Requests.Skip(start).Select(r => r.ReceivedAt).Order().ToList();
    var burst = (int)Math.Ceiling((rpm ?? tpm!.Value / 150.0) * 0.05);
    var steady = sent.Skip(burst).ToList();
    var minutes = (steady[^1] - steady[0]).TotalMinutes;
    var perMinute = rpm is not null ? (steady.Count - 1) / minutes : (steady.Count - 1) * 150 / minutes;
    var limit = (double)(rpm ?? tpm!.Value);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {limit:F0} | {perMinute:F0} | {perMinute / limit:F3} |"));
}

static async Task<double> RawHttpAsync(ScriptedChatServer server, int count, int loops)
{
    using var http = new HttpClient { BaseAddress = server.Root };
    var body = """{"model":"m","messages":[{"role":"user","content":"hi"}]}""";
    var remaining = count;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, loops).Select(async _ =>
    {
        while (Interlocked.Decrement(ref remaining) >= 0)
        {
            using var response = await http.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
        }
    }));
    return clock.Elapsed.TotalSeconds;
}

static async Task<double> GenerateAsync(ScriptedChatServer server, string folder, string id, int count, int concurrency, int? rpm, int? tpm)
{
    var limits = (rpm is null ? "" : $"  requestsPerMinute: {rpm}\n") + (tpm is null ? "" : $"  tokensPerMinute: {tpm}\n");
    var yaml = $"id: {id}\nname: {id}\ntask:\n  type: text-classification\n  dataDescription: Short product reviews.\n"
        + "  labels:\n    - name: positive\n      description: satisfied\n    - name: negative\n      description: dissatisfied\n"
        + "demonstrations:\n  k: 0\n"
        + $"generation:\n  provider: openai-compatible\n  model: bench\n  baseUrl: {server.BaseUrl}\n  maxOutputTokens: 100\n  target: {count}\n"
        + $"  concurrency: {concurrency}\n  maxRetries: 20\n  timeoutSeconds: 30\n{limits}";
    var spec = JobSpecLoader.Parse(yaml, id + ".yaml", requireFiles: false);
    var job = new PipelineJob(id, spec);
    var stores = SqliteStores.Open(Path.Combine(folder, id + ".db"));
    var store = stores.Samples;
    await store.InitializeAsync(default);
    using var generator = new LlmSampleGenerator(NullLoggerFactory.Instance, TimeProvider.System, new ChatClientFactory(readEnvironment: _ => null));
    var worker = new GeneratorWorker(generator, store, stores.RequestClaims, new InProcessBus(capacityPerTopic: count + 1), new StageActivity(Stage.Generator),
        TimeProvider.System, NullLogger<GeneratorWorker>.Instance, "bench");
    await generator.PrepareAsync(job, default);
    var clock = Stopwatch.StartNew();
    // The worker's own parallelism is not the bottleneck: the job's adaptive limit is.
    await worker.RunFirstPassAsync(job, maxConcurrentRequests: concurrency * 2, default);
    var seconds = clock.Elapsed.TotalSeconds;
    var counts = await store.CountAsync(id, default);
    if (counts.RequestsSucceeded != count)
    {
        throw new InvalidOperationException($"{id}: {counts.RequestsSucceeded} of {count} requests succeeded ({counts.RequestsFailed} failed)");
    }

    return seconds;
}
