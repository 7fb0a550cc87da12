using System.Globalization;

namespace Synth.KafkaBroker;

internal sealed record BrokerArguments(int Port, int Brokers, string TopicsFile, string? BootstrapFile, bool DeadLetterTopics)
{
    public const string Usage = """
        Synth.KafkaBroker - a local Kafka broker (librdkafka mock cluster, in memory) for development and CI.

          --port <n>              first listening port; broker i listens on port+i-1 (default 9092; 0 = ephemeral ports)
          --brokers <n>           number of brokers (default 1)
          --topics <file>         topic definitions (default infra/kafka/topics.txt; relative paths are tried
                                  against the current directory, then the repository root)
          --bootstrap-file <path> write the bootstrap address there once ready (atomically)
          --no-dlt                do not add "<topic>.dlt" for every topic the file lists without one
          --help                  this text
        """;

    /// <exception cref="ArgumentException">An unknown flag or an invalid value.</exception>
    public static BrokerArguments Parse(IReadOnlyList<string> args)
    {
        var port = 9092;
        var brokers = 1;
        var topics = Path.Combine("infra", "kafka", "topics.txt");
        string? bootstrapFile = null;
        var deadLetters = true;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--port":
                    port = ParseInt(args, ref i, 0, 65535);
                    break;
                case "--brokers":
                    brokers = ParseInt(args, ref i, 1, 16);
                    break;
                case "--topics":
                    topics = Value(args, ref i);
                    break;
                case "--bootstrap-file":
                    bootstrapFile = Value(args, ref i);
                    break;
                case "--no-dlt":
                    deadLetters = false;
                    break;
                default:
                    throw new ArgumentException($"Unknown argument \"{args[i]}\".");
            }
        }

        if (port != 0 && port + brokers - 1 > 65535)
        {
            throw new ArgumentException($"Ports {port}..{port + brokers - 1} exceed 65535.");
        }

        return new BrokerArguments(port, brokers, topics, bootstrapFile, deadLetters);
    }

    /// <summary>Absolute path of the topics file: as given, else under the current directory, else under the repository root.</summary>
    public string ResolveTopicsFile()
    {
        if (Path.IsPathRooted(TopicsFile) || File.Exists(TopicsFile))
        {
            return Path.GetFullPath(TopicsFile);
        }

        var root = FindRepositoryRoot(Directory.GetCurrentDirectory()) ?? FindRepositoryRoot(AppContext.BaseDirectory);
        return root is null ? Path.GetFullPath(TopicsFile) : Path.Combine(root, TopicsFile);
    }

    private static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Synth.Streaming.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count)
        {
            throw new ArgumentException($"{args[i]} needs a value.");
        }

        return args[++i];
    }

    private static int ParseInt(IReadOnlyList<string> args, ref int i, int min, int max)
    {
        var name = args[i];
        var text = Value(args, ref i);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"{name} must be an integer from {min} to {max}, got \"{text}\".");
        }

        return value;
    }
}
