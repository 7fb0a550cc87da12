using System.Reflection;
using System.Runtime.InteropServices;

namespace Synth.KafkaBroker;

/// <summary>
/// The few librdkafka entry points the broker host needs, including the experimental mock-cluster API
/// (rdkafka_mock.h, not covered by librdkafka's ABI guarantees: re-check the signatures when upgrading).
/// </summary>
internal static partial class LibRdKafka
{
    private const string Library = "librdkafka";

    public const int ProducerType = 0;
    public const int ConfOk = 0;

    /// <summary>
    /// The default linux-x64 build links libsasl2.so.3, which many machines lack; the package also ships a centos8
    /// build without that dependency, so fall back to it (as Confluent.Kafka does for itself).
    /// </summary>
    public static void UseLoadableNativeLibrary()
    {
        NativeLibrary.SetDllImportResolver(typeof(LibRdKafka).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        if (NativeLibrary.TryLoad(name, assembly, searchPath, out var handle))
        {
            return handle;
        }

        // The SDK copies the package's runtimes/<rid>/native folders next to a framework-dependent build.
        var fallback = Path.Combine(AppContext.BaseDirectory, "runtimes", PortableRid(), "native", "centos8-librdkafka.so");
        return File.Exists(fallback) && NativeLibrary.TryLoad(fallback, out handle) ? handle : IntPtr.Zero;
    }

    private static string PortableRid() =>
        (OperatingSystem.IsLinux() ? "linux-" : OperatingSystem.IsMacOS() ? "osx-" : "win-")
        + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    [LibraryImport(Library)]
    public static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte* errstr, nuint errstrSize);

    [LibraryImport(Library)]
    public static partial void rd_kafka_conf_destroy(IntPtr conf);

    [LibraryImport(Library)]
    public static unsafe partial IntPtr rd_kafka_new(int type, IntPtr conf, byte* errstr, nuint errstrSize);

    [LibraryImport(Library)]
    public static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(Library)]
    public static partial IntPtr rd_kafka_err2str(int err);

    [LibraryImport(Library)]
    public static partial IntPtr rd_kafka_version_str();

    [LibraryImport(Library)]
    public static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_cluster_destroy(IntPtr cluster);

    [LibraryImport(Library)]
    public static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_create(IntPtr cluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr cluster, int delayMs);

    /// <summary>Changes the host and port a broker advertises in Metadata responses (not the port it listens on).</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void rd_kafka_mock_broker_set_host_port(IntPtr cluster, int brokerId, string host, int port);

    public static string ErrorText(int err) => Marshal.PtrToStringUTF8(rd_kafka_err2str(err)) ?? $"error {err}";
}
