using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Synth.KafkaBroker;
using Synth.Messaging;

if (args.Contains("--help"))
{
    Console.WriteLine(BrokerArguments.Usage);
    return 0;
}

BrokerArguments arguments;
IReadOnlyList<TopicDefinition> topics;
try
{
    arguments = BrokerArguments.Parse(args);
    topics = TopicsFile.Load(arguments.ResolveTopicsFile());
    if (arguments.DeadLetterTopics)
    {
        topics = TopicsFile.WithDeadLetterTopics(topics);
    }
}
catch (Exception e) when (e is ArgumentException or FormatException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(BrokerArguments.Usage);
    return 2;
}

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void OnSignal(PosixSignalContext context)
{
    // Shut down ourselves (destroy the cluster, exit 0) instead of the runtime's default termination.
    context.Cancel = true;
    stop.TrySetResult();
}

using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

LibRdKafka.UseLoadableNativeLibrary();
var forwarders = new List<TcpForwarder>();
MockCluster? cluster = null;
try
{
    cluster = new MockCluster(arguments.Brokers);
    foreach (var topic in topics)
    {
        cluster.CreateTopic(topic);
    }

    var listeners = cluster.Bootstraps.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(IPEndPoint.Parse).ToList();
    string bootstrap;
    if (arguments.Port == 0)
    {
        bootstrap = cluster.Bootstraps;
    }
    else
    {
        // The mock cluster binds only ephemeral ports: forward each fixed port to its broker and make the broker
        // advertise the fixed port, so Metadata never sends clients to the ephemeral one.
        for (var i = 0; i < listeners.Count; i++)
        {
            var port = arguments.Port + i;
            var forwarder = new TcpForwarder(new IPEndPoint(IPAddress.Loopback, port), listeners[i]);
            forwarder.Start();
            forwarders.Add(forwarder);
            cluster.Advertise(brokerId: i + 1, IPAddress.Loopback.ToString(), port);
        }

        bootstrap = string.Join(',', Enumerable.Range(arguments.Port, listeners.Count).Select(p => $"{IPAddress.Loopback}:{p}"));
    }

    if (arguments.BootstrapFile is { } file)
    {
        WriteAtomically(file, bootstrap);
    }

    Console.Error.WriteLine(
        $"librdkafka {MockCluster.Version} mock cluster: {arguments.Brokers} broker(s), {topics.Count} topic(s), listeners {cluster.Bootstraps}");
    Console.WriteLine($"ready {bootstrap}");
    await stop.Task;
    Console.Error.WriteLine("stopping");
    return 0;
}
catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
{
    Console.Error.WriteLine($"error: port {arguments.Port} (or a following broker port) is already in use: {e.Message}");
    return 1;
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
finally
{
    foreach (var forwarder in forwarders)
    {
        await forwarder.DisposeAsync();
    }

    cluster?.Dispose();
    if (arguments.BootstrapFile is { } file && File.Exists(file))
    {
        // A bootstrap file only exists while the broker is up, so scripts can trust it.
        File.Delete(file);
    }
}

static void WriteAtomically(string path, string content)
{
    var full = Path.GetFullPath(path);
    Directory.CreateDirectory(Path.GetDirectoryName(full)!);
    var temp = $"{full}.{Environment.ProcessId}.tmp";
    File.WriteAllText(temp, content + "\n");
    File.Move(temp, full, overwrite: true);
}
