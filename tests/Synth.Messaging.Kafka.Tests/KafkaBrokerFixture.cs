using Microsoft.Extensions.Options;
using Synth.Testing;

namespace Synth.Messaging.Kafka.Tests;

/// <summary>
/// A real broker for the collection: the local broker host (infra/Synth.KafkaBroker) as a child process on a free
/// port, with a temporary topics file holding the test topics (the mock cluster rejects Admin CreateTopics).
/// </summary>
public sealed class KafkaBrokerFixture : IAsyncLifetime
{
    /// <summary>Test topics and partition counts; names carry a per-run suffix.</summary>
    private static readonly (string Name, int Partitions)[] TestTopics =
    [
        ("ordering", 6), ("split", 6), ("restart-failing", 1), ("restart-hanging", 1), ("poison", 2), ("trace", 1),
        ("lag", 3), ("static", 2), ("rebalance-stop", 32),
    ];

    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    private readonly string _stateDir = Directory.CreateTempSubdirectory("synth-kafka-tests-").FullName;
    private KafkaBrokerProcess? _broker;

    public string BootstrapServers => _broker?.Bootstrap ?? throw new InvalidOperationException("The broker is not started.");

    public string Topic(string name) => $"test.{name}.{_runId}";

    public string GroupId(string name) => $"test.{name}.{Guid.NewGuid():N}";

    /// <summary>Options with the settings DESIGN.md recommends for the mock cluster (fast re-joins and fetches).</summary>
    public IOptions<KafkaOptions> Options(Action<KafkaOptions>? configure = null)
    {
        var options = new KafkaOptions
        {
            BootstrapServers = BootstrapServers,
            RetryInitialDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(500),
            ShutdownGracePeriod = TimeSpan.FromSeconds(5),
            RevocationGracePeriod = TimeSpan.FromSeconds(5),
        };
        foreach (var (key, value) in KafkaBrokerProcess.FastTestSettings)
        {
            options.Settings[key] = value;
        }

        configure?.Invoke(options);
        return Microsoft.Extensions.Options.Options.Create(options);
    }

    public async Task InitializeAsync()
    {
        var topicsFile = Path.Combine(_stateDir, "topics.txt");
        await File.WriteAllLinesAsync(topicsFile, TestTopics.Select(t => $"{Topic(t.Name)} {t.Partitions}"));
        _broker = await KafkaBrokerProcess.StartAsync(topicsFile);
    }

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        Directory.Delete(_stateDir, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaBrokerFixture>
{
    public const string Name = "kafka";
}
