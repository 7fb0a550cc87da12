using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Samples;
using Synth.Delivery;
using Synth.Delivery.Processor;
using Synth.Jobs;
using Synth.Messaging;
using Synth.Pipeline;
using Synth.Store;
using Synth.Store.Sqlite;
using Synth.Testing;

// Usage: dotnet run -c Release --project benchmarks/Synth.Benchmarks.Delivery -- [samples=2000] [rounds=3] [instances=1]
// Each round: `synth run` (the one-machine pipeline, scripted processors) makes the job's samples and gives the
// pipeline's samples/s; then the job's curated records, as the evaluator publishes them, go through dataset sinks into
// a local folder as fast as they take them (rows/s, first record handed to the last manifest written). With N
// instances the records are spread over N partitions, each consumed by its own sink instance at the same time (as N
// instances of one consumer group would), all writing into the same job folder.
var samples = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var instances = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
const int SamplesPerRequest = 5;

Console.WriteLine($"delivery benchmark: {samples} samples per run, {rounds} rounds, {instances} sink instance(s), {Environment.ProcessorCount} cores");
Console.WriteLine("| round | pipeline samples/s | sink rows/s | sink / pipeline |");
Console.WriteLine("|---|---|---|---|");
var ratios = new List<double>();
for (var round = 1; round <= rounds; round++)
{
    var directory = Directory.CreateTempSubdirectory("synth-bench-delivery-").FullName;
    var jobId = $"bench-delivery-{round}";
    var specPath = TestJob.WriteSpec(directory, jobId, samples, SamplesPerRequest);
    var database = Path.Combine(directory, "synth.db");
    using (var run = ChildProcess.StartDotnet("synth run", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"),
        ["run", specPath, "--store", database], TestJob.ProcessorEnvironment(), directory))
    {
        if (await run.WaitForExitAsync(TimeSpan.FromMinutes(10)) != 0)
        {
            throw new InvalidOperationException($"synth run failed.\n{run.Tail()}");
        }
    }

    var store = SqliteStores.Open(database).Samples;
    var all = await store.ReadSamplesAsync(new SampleQuery { JobId = jobId, Limit = 1000 }, CancellationToken.None).ToListAsync();
    var pipelineRate = all.Count / (all.Max(s => s.UpdatedAt) - all.Min(s => s.CreatedAt)).TotalSeconds;

    var spec = JobSpecLoader.Parse(await File.ReadAllTextAsync(specPath), specPath, baseDirectory: null, requireFiles: false);
    var messages = all.Where(s => s.State == SampleState.Evaluated)
        .Select(s => CuratedRecords.For(s, spec, "/bench", DateTimeOffset.UtcNow))
        .Select((m, i) => new InboundMessage(m.Topic, i % instances, i / instances, m.Key, m.Value, m.Headers))
        .ToList();
    var sinkRate = await SinkRateAsync(Path.Combine(directory, "datasets"), jobId, messages, instances);
    ratios.Add(sinkRate / pipelineRate);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {round} | {pipelineRate:F0} | {sinkRate:F0} | {sinkRate / pipelineRate:F2} |"));
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(directory, recursive: true);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median ratio: sink / pipeline = {ratios.Order().ElementAt(ratios.Count / 2):F2}"));
return 0;

// Per partition, a sink with its default shard policy on a local folder, every record of the partition handed at once
// (as a consume loop with a large in-flight limit would), the open shards sealed at the end; rows per second until
// every record of every partition is acknowledged.
static async Task<double> SinkRateAsync(string folder, string jobId, IReadOnlyList<InboundMessage> messages, int instances)
{
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, instances).Select(p => Task.Run(async () =>
    {
        var sink = new DatasetSink(new LocalFolderTarget(folder), ShardPolicy.Default, TimeProvider.System, NullLogger<DatasetSink>.Instance);
        var handled = messages.Where(m => m.Partition == p).Select(m => sink.HandleAsync(m, CancellationToken.None)).ToList();
        while (handled.Count(t => t.IsCompleted) + sink.PendingRecords < handled.Count)
        {
            await Task.Delay(1);
        }

        await sink.SealDueAsync(everything: true, CancellationToken.None);
        await Task.WhenAll(handled);
    })));
    var rate = messages.Count / clock.Elapsed.TotalSeconds;
    long rows = 0;
    for (var p = 0; p < instances; p++)
    {
        rows += (await new LocalFolderTarget(folder).ReadManifestAsync(jobId, p, CancellationToken.None))?.Rows ?? 0;
    }

    if (rows != messages.Count)
    {
        throw new InvalidOperationException($"The manifests list {rows} rows; {messages.Count} were sent.");
    }

    return rate;
}
