using Synth.Contracts.Messaging;
using Synth.Messaging.Kafka;
using Synth.Testing;

namespace Synth.Delivery.Tests;

/// <summary>
/// The local broker host with the curated topic (3 partitions), started for one test in a temp folder of its own,
/// and the Kafka options the test's publishers and consumers use against it. Disposing stops the broker and deletes
/// the folder.
/// </summary>
internal sealed class CuratedTopicBroker : IAsyncDisposable
{
    private readonly KafkaBrokerProcess _broker;

    private CuratedTopicBroker(string folder, KafkaBrokerProcess broker)
    {
        Folder = folder;
        _broker = broker;
    }

    /// <summary>The test's temp folder (it holds the broker's topics file; tests put their targets here too).</summary>
    public string Folder { get; }

    public string Bootstrap => _broker.Bootstrap;

    public static async Task<CuratedTopicBroker> StartAsync(string folderPrefix)
    {
        var folder = Directory.CreateTempSubdirectory(folderPrefix).FullName;
        try
        {
            var topics = Path.Combine(folder, "topics.txt");
            await File.WriteAllTextAsync(topics, $"{Topics.Curated} 3\n");
            return new CuratedTopicBroker(folder, await KafkaBrokerProcess.StartAsync(topics));
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Options for this broker: fast retries, a short shutdown grace and the broker host's fast test settings.</summary>
    public KafkaOptions Options()
    {
        var options = new KafkaOptions
        {
            BootstrapServers = _broker.Bootstrap,
            RetryInitialDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(500),
            ShutdownGracePeriod = TimeSpan.FromSeconds(2),
        };
        foreach (var (key, value) in KafkaBrokerProcess.FastTestSettings)
        {
            options.Settings[key] = value;
        }

        return options;
    }

    public async ValueTask DisposeAsync()
    {
        await _broker.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
