// Example consumer of synth.samples.curated: reads the compacted topic from the start with its own consumer group,
// keeps the latest record of every sample (LatestRecords) and prints the dataset's size per split every few seconds.
// Usage: dotnet run --project examples/CuratedConsumer -- [bootstrap servers, default localhost:9092] [group id]
using Confluent.Kafka;
using CuratedConsumer;
using Synth.Contracts.Messaging;

var config = new ConsumerConfig
{
    BootstrapServers = args.Length > 0 ? args[0] : "localhost:9092",
    // Your own group: never synth-dataset-sink, which would take partitions away from the sink.
    GroupId = args.Length > 1 ? args[1] : "curated-consumer-example",
    AutoOffsetReset = AutoOffsetReset.Earliest,
    // The view is rebuilt in memory from the compacted topic at every start, so nothing is committed. A consumer that
    // keeps its view on disk commits after writing it, and then resumes from there.
    EnableAutoCommit = false,
};
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

using var consumer = new ConsumerBuilder<string, byte[]?>(config).Build();
consumer.Subscribe(Topics.Curated);
var latest = new LatestRecords();
var nextReport = DateTime.UtcNow;
try
{
    while (!stop.IsCancellationRequested)
    {
        if (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { Message: { } message })
        {
            latest.Apply(message);
        }

        if (DateTime.UtcNow >= nextReport)
        {
            var splits = latest.Records.GroupBy(r => r.Split).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
            Console.WriteLine($"{latest.Records.Count} samples: {string.Join(", ", splits)}");
            nextReport = DateTime.UtcNow.AddSeconds(5);
        }
    }
}
finally
{
    consumer.Close();
}
