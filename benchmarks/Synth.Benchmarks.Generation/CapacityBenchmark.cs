using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Samples;
using Synth.Generation.Processor;
using Synth.Jobs;
using Synth.Llm;
using Synth.Messaging;
using Synth.Pipeline;
using Synth.Store;
using Synth.Store.Sqlite;
using Synth.Testing;

namespace Synth.Benchmarks.Generation;

/// <summary>
/// The one-machine run with the built-in stages against an endpoint of fixed capacity (issue 15): a simulated model
/// that works on at most <c>cap</c> requests at once, each for a fixed latency (more get 429 with Retry-After 0),
/// answering with real, distinct UCI sentences. Per round, in the same run: raw HTTP from exactly <c>cap</c> loops,
/// the generator alone, and <c>synth run</c> with the built-in stages, with the issue's configuration (relevance,
/// semantic dedup, student and review off) and with the defaults, as ratios of the ideal cap ÷ latency.
/// </summary>
public static partial class CapacityBenchmark
{
    private const int SamplesPerRequest = 5;
    private static readonly string[] Labels = ["negative", "positive"];

    /// <summary>Usage: <c>pipeline [target=2000] [latencyMs=200] [cap=8] [rounds=2]</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var target = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var latency = TimeSpan.FromMilliseconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200);
        var cap = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;
        var rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;
        var ideal = cap / latency.TotalSeconds;
        // Every UCI sentence (amazon, yelp, imdb: 3,000, 1,500 a class); each model serves each one at most once.
        var sentences = RealText.UciSentences("amazon", "yelp", "imdb");
        var options = new SimulatedModelOptions(Labels, WrongLabel: 0, ExactDuplicate: 0, NearDuplicate: 0, Refusal: 0, Preamble: 0, OffTask: 0,
            TruncatedJson: 0, TooManyRequests: 0, ServerError: 0, AnswerErrorRate: 0, Latency: latency, MaxConcurrent: cap);
        var folder = Directory.CreateTempSubdirectory("synth-bench-capacity-").FullName;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"capacity benchmark: {cap} requests at once, {latency.TotalMilliseconds} ms each, ideal {ideal:F1} requests/s; target {target} curated, {SamplesPerRequest} samples a request; {Environment.ProcessorCount} cores"));
        Console.WriteLine();
        Console.WriteLine("| round | run | generation requests | all requests | 429s | seconds | generation req/s | / ideal | / raw HTTP | all req/s / ideal | curated | CPU s | first pass / ideal |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");

        // Unmeasured warm-up of this process's paths (the HTTP client, the SDK, the template engine, SQLite).
        await RawHttpAsync(options, cap * 4, cap);
        await GeneratorAloneAsync(options, sentences, folder, "warm-up", cap * 8 * SamplesPerRequest, cap);
        for (var round = 1; round <= rounds; round++)
        {
            var raw = await RawHttpAsync(options, Math.Max(cap * 25, target / SamplesPerRequest), cap);
            Row(round, "raw HTTP, exactly cap loops", raw, raw);
            Row(round, "generator alone", raw, await GeneratorAloneAsync(options, sentences, folder, $"alone-{round}", target, cap));
            Row(round, "synth run, issue's stages (no relevance, semantic dedup, student, review)", raw,
                await OneMachineAsync(options, sentences, folder, $"issue-{round}", target, cap, IssueCuration));
            Row(round, "synth run, default stages", raw, await OneMachineAsync(options, sentences, folder, $"defaults-{round}", target, cap, curation: ""));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return 0;

        void Row(int round, string name, Measured raw, Measured run) =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {round} | {name} | {run.Generation} | {run.All} | {run.Rejected} | {run.Seconds:F2} | {run.Generation / run.Seconds:F1} | {run.Generation / run.Seconds / ideal:F3} | {run.Generation / run.Seconds / (raw.Generation / raw.Seconds):F3} | {run.All / run.Seconds / ideal:F3} | {run.Curated?.ToString(CultureInfo.InvariantCulture) ?? "–"} | {run.CpuSeconds?.ToString("F1", CultureInfo.InvariantCulture) ?? "–"} | {(run.FirstPassRate / ideal)?.ToString("F3", CultureInfo.InvariantCulture) ?? "–"} |"));
    }

    private const string IssueCuration = """
        curation:
          filter:
            relevance: { enabled: false }
            dedup: { semantic: false }
          labelRefinement:
            student: { enabled: false }
            review: { enabled: false }
        """;

    /// <summary>One run's figures: requests answered (generation and all kinds), 429s at the cap, the measured window.</summary>
    /// <param name="FirstPassRate">
    /// Generation requests a second while the job's first pass ran: (first-pass requests − cap) over the time from the
    /// first generation answer to the last of the pass, so the job's end (the stages deciding the last samples, the
    /// top-up requests the rejections call for) is not in it. A generator that kept every slot busy scores capacity ÷ latency.
    /// </param>
    private sealed record Measured(int Generation, int All, int Rejected, double Seconds, int? Curated = null, double? CpuSeconds = null, double? FirstPassRate = null);

    /// <summary>Raw <c>HttpClient</c> POSTs from exactly <paramref name="loops"/> loops to a model with the same cap and latency.</summary>
    private static async Task<Measured> RawHttpAsync(SimulatedModelOptions options, int count, int loops)
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.MaxConcurrent = options.MaxConcurrent;
        server.Default = ScriptedReply.Answer("""{"samples":[{"text":"A fine product that does what it says.","label":"positive"}]}""", promptTokens: 300, completionTokens: 60)
            .WithLatency(options.Latency);
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
        return new Measured(count, count, server.Rejected, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// <c>GeneratorWorker</c> and <c>LlmSampleGenerator</c> in this process, publishing to an in-process bus nobody
    /// reads: the job's first pass (ceil(target / samples a request) requests), from the first request to the last answer.
    /// </summary>
    private static async Task<Measured> GeneratorAloneAsync(SimulatedModelOptions options, IReadOnlyList<LabelledSentence> sentences, string folder, string id, int target, int cap)
    {
        await using var model = await SimulatedModel.StartAsync(options, sentences, []);
        var spec = JobSpecLoader.Parse(Spec(id, model.BaseUrl, target, cap, curation: ""), id + ".yaml", requireFiles: false);
        var job = new PipelineJob(id, spec);
        var stores = SqliteStores.Open(Path.Combine(folder, id + ".db"));
        await stores.Samples.InitializeAsync(default);
        using var generator = new LlmSampleGenerator(NullLoggerFactory.Instance, TimeProvider.System, new ChatClientFactory(readEnvironment: _ => null));
        var worker = new GeneratorWorker(generator, stores.Samples, stores.RequestClaims, new InProcessBus(capacityPerTopic: target + 1), new StageActivity(Stage.Generator),
            TimeProvider.System, NullLogger<GeneratorWorker>.Instance, "bench");
        await generator.PrepareAsync(job, default);
        var clock = Stopwatch.StartNew();
        await worker.RunFirstPassAsync(job, maxConcurrentRequests: cap * 2, default);
        var seconds = clock.Elapsed.TotalSeconds;
        var answers = model.Answers;
        return new Measured(answers.GetValueOrDefault("generation"), answers.Values.Sum(), model.Rejected, seconds);
    }

    /// <summary>
    /// <c>synth run</c> (a child process, under <c>/usr/bin/time</c> for its CPU seconds) with the built-in stages, from
    /// the endpoint's first request (process start-up excluded) to the job's last sample's final write.
    /// </summary>
    private static async Task<Measured> OneMachineAsync(SimulatedModelOptions options, IReadOnlyList<LabelledSentence> sentences, string folder, string id, int target, int cap, string curation)
    {
        await using var model = await SimulatedModel.StartAsync(options, sentences, []);
        var directory = Directory.CreateDirectory(Path.Combine(folder, id)).FullName;
        var spec = Path.Combine(directory, "job.yaml");
        await File.WriteAllTextAsync(spec, Spec(id, model.BaseUrl, target, cap, curation));
        var database = Path.Combine(directory, "synth.db");
        double? cpu;
        using (var run = ChildProcess.Start("synth run", "/usr/bin/time",
            ["-f", "cpu-seconds %U %S", "dotnet", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"), "run", spec, "--store", database],
            new Dictionary<string, string?>(), directory))
        {
            if (await run.WaitForExitAsync(TimeSpan.FromMinutes(15)) != 0)
            {
                throw new InvalidOperationException($"synth run failed for '{id}':\n{run.Tail()}");
            }

            cpu = CpuSeconds().Match(run.Output) is { Success: true } match
                ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) + double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)
                : null;
        }

        var store = SqliteStores.Open(database).Samples;
        var (last, curated) = await LastFinalWriteAsync(store, id);
        var first = model.Requests.Min(request => request.ReceivedAt);
        var answers = model.Answers;
        var firstPass = (int)Math.Min(target / SamplesPerRequest, model.GenerationAnswerTimes.Count);
        var passSeconds = (model.GenerationAnswerTimes[firstPass - 1] - model.GenerationAnswerTimes[0]).TotalSeconds;
        return new Measured(answers.GetValueOrDefault("generation"), answers.Values.Sum(), model.Rejected, (last - first).TotalSeconds, curated, cpu,
            (firstPass - cap) / passSeconds);
    }

    /// <summary>The job's last final write, its curated count, and on stderr each stage's decisions per second.</summary>
    private static async Task<(DateTimeOffset Last, int Curated)> LastFinalWriteAsync(ISampleStore store, string jobId)
    {
        var last = DateTimeOffset.MinValue;
        var curated = 0;
        var decided = new Dictionary<Stage, List<DateTimeOffset>>();
        await foreach (var sample in store.ReadSamplesAsync(new SampleQuery { JobId = jobId, Limit = 1000 }, CancellationToken.None))
        {
            last = sample.UpdatedAt > last ? sample.UpdatedAt : last;
            curated += sample.State == SampleState.Evaluated ? 1 : 0;
            foreach (var decision in sample.Decisions)
            {
                (decided.TryGetValue(decision.Stage, out var at) ? at : decided[decision.Stage] = []).Add(decision.At);
            }
        }

        var start = decided.GetValueOrDefault(Stage.Generator)?.Min() ?? last;
        foreach (var (stage, at) in decided.OrderBy(d => d.Key))
        {
            var span = (at.Max() - at.Min()).TotalSeconds;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {jobId} {stage}: {at.Count} decisions in {span:F1} s ({at.Count / span:F0}/s), from +{(at.Min() - start).TotalSeconds:F1} s to +{(at.Max() - start).TotalSeconds:F1} s after the first sample"));
        }

        return (last, curated);
    }

    private static string Spec(string id, Uri baseUrl, int target, int cap, string curation) => string.Create(CultureInfo.InvariantCulture, $"""
        id: {id}
        name: Capacity benchmark {id}
        task:
          type: text-classification
          dataDescription: A short review of a product, a restaurant or a movie, one or two sentences.
          labels:
            - name: positive
              description: The reviewer is satisfied.
            - name: negative
              description: The reviewer is dissatisfied.
        demonstrations:
          k: 0
        generation:
          provider: openai-compatible
          model: simulated-model
          baseUrl: {baseUrl}
          samplesPerRequest: {SamplesPerRequest}
          target: {target}
          concurrency: {cap}
          maxRetries: 20
          timeoutSeconds: 30
        {curation}
        """);

    [GeneratedRegex(@"cpu-seconds ([0-9.]+) ([0-9.]+)")]
    private static partial Regex CpuSeconds();
}
