// Example consumer of synth.samples.curated: reads the compacted topic from the start with its own consumer group,
// keeps the latest record of every sample (LatestRecords) and prints the dataset's size per split every few seconds.
// Usage: dotnet run --project examples/CuratedConsumer -- [bootstrap servers, default localhost:9092] [group id] [schema registry URL]
// With a schema registry URL (Synth's Kafka:SchemaRegistry:Url), values are read through Confluent's JSON
// deserializer; it must be given exactly when Synth publishes through the registry (docs/consuming.md).
using System.Text;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using CuratedConsumer;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema.NewtonsoftJson.Generation;
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

using var registry = args.Length > 2 ? new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = args[2] }) : null;
// Dates stay strings: the record's JSON is read back exactly as written.
var deserializer = registry is null ? null : new JsonDeserializer<JObject>(registry, new JsonDeserializerConfig(),
    new NewtonsoftJsonSchemaGeneratorSettings { SerializerSettings = new JsonSerializerSettings { DateParseHandling = DateParseHandling.None } });
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
            if (deserializer is not null && message.Value is { } framed)
            {
                // The registry's framing (magic byte, schema id) off, the record's JSON as Synth wrote it.
                var record = await deserializer.DeserializeAsync(framed, isNull: false, new SerializationContext(MessageComponentType.Value, Topics.Curated));
                message.Value = Encoding.UTF8.GetBytes(record.ToString(Formatting.None));
            }

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
