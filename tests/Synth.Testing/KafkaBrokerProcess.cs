namespace Synth.Testing;

/// <summary>
/// The local broker host (infra/Synth.KafkaBroker) as a child process on a free port, with the repository's topics
/// file, private to the test that starts it.
/// </summary>
public sealed class KafkaBrokerProcess : IAsyncDisposable
{
    private readonly ChildProcess? _process;
    private readonly string? _stateDirectory;

    private KafkaBrokerProcess(string bootstrap, ChildProcess? process, string? stateDirectory)
    {
        Bootstrap = bootstrap;
        _process = process;
        _stateDirectory = stateDirectory;
    }

    public string Bootstrap { get; }

    /// <summary>Librdkafka settings that keep tests fast on the mock cluster (see docs/kafka-broker-host.md).</summary>
    public static IReadOnlyDictionary<string, string> FastTestSettings { get; } = new Dictionary<string, string>
    {
        ["session.timeout.ms"] = "3000",
        ["heartbeat.interval.ms"] = "500",
        ["fetch.wait.max.ms"] = "10",
    };

    /// <summary>Starts a private broker (its own topics, nothing shared with other tests).</summary>
    public static async Task<KafkaBrokerProcess> StartAsync(string? topicsFile = null)
    {
        var state = Directory.CreateTempSubdirectory("synth-broker-").FullName;
        var bootstrapFile = Path.Combine(state, "bootstrap");
        var port = OtlpTraceReceiver.FreePort();
        var process = ChildProcess.StartDotnet(
            "kafka-broker",
            RepoPaths.Output("infra/Synth.KafkaBroker", "Synth.KafkaBroker.dll"),
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--topics", topicsFile ?? Path.Combine(RepoPaths.Root, "infra", "kafka", "topics.txt"),
             "--bootstrap-file", bootstrapFile],
            new Dictionary<string, string?>());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(bootstrapFile))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var tail = process.Tail();
                process.Dispose();
                throw new InvalidOperationException($"The broker host did not become ready.\n{tail}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        return new KafkaBrokerProcess((await File.ReadAllTextAsync(bootstrapFile).ConfigureAwait(false)).Trim(), process, state);
    }

    public ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            _process.Terminate(TimeSpan.FromSeconds(10));
            _process.Dispose();
        }

        if (_stateDirectory is not null)
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
