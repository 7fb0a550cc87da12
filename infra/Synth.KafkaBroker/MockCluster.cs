using System.Runtime.InteropServices;
using Synth.Messaging;

namespace Synth.KafkaBroker;

/// <summary>
/// librdkafka's in-memory mock cluster: real Kafka protocol on loopback TCP listeners, each on an ephemeral port
/// chosen by librdkafka (the mock API cannot bind a chosen port). Owned by a producer handle it needs for bookkeeping.
/// </summary>
internal sealed unsafe class MockCluster : IDisposable
{
    private IntPtr _handle;
    private IntPtr _cluster;

    public MockCluster(int brokers)
    {
        const int errSize = 512;
        var errstr = stackalloc byte[errSize];
        var conf = LibRdKafka.rd_kafka_conf_new();
        // The owning handle never connects anywhere; its "no bootstrap.servers" notice is noise.
        if (LibRdKafka.rd_kafka_conf_set(conf, "log_level", "4", errstr, errSize) != LibRdKafka.ConfOk
            || LibRdKafka.rd_kafka_conf_set(conf, "client.id", "synth-kafka-broker", errstr, errSize) != LibRdKafka.ConfOk)
        {
            LibRdKafka.rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"librdkafka configuration failed: {Marshal.PtrToStringUTF8((IntPtr)errstr)}");
        }

        // rd_kafka_new takes ownership of conf on success only.
        _handle = LibRdKafka.rd_kafka_new(LibRdKafka.ProducerType, conf, errstr, errSize);
        if (_handle == IntPtr.Zero)
        {
            LibRdKafka.rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"rd_kafka_new failed: {Marshal.PtrToStringUTF8((IntPtr)errstr)}");
        }

        _cluster = LibRdKafka.rd_kafka_mock_cluster_new(_handle, brokers);
        if (_cluster == IntPtr.Zero)
        {
            LibRdKafka.rd_kafka_destroy(_handle);
            _handle = IntPtr.Zero;
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed (see librdkafka's log above).");
        }

        // Kafka's default 3 s delay before the first rebalance only slows tests and restarts down.
        LibRdKafka.rd_kafka_mock_group_initial_rebalance_delay_ms(_cluster, 0);
        BrokerCount = brokers;
    }

    public int BrokerCount { get; }

    public static string Version => Marshal.PtrToStringUTF8(LibRdKafka.rd_kafka_version_str()) ?? "?";

    /// <summary>The listeners librdkafka opened, in broker id order (1..n): "127.0.0.1:port,...".</summary>
    public string Bootstraps => Marshal.PtrToStringUTF8(LibRdKafka.rd_kafka_mock_cluster_bootstraps(_cluster)) ?? string.Empty;

    public void CreateTopic(TopicDefinition topic)
    {
        // The mock keeps one replica per broker at most; the replication factor has no effect on durability here.
        var err = LibRdKafka.rd_kafka_mock_topic_create(_cluster, topic.Name, topic.Partitions, 1);
        if (err != 0)
        {
            throw new InvalidOperationException($"Creating topic {topic.Name} failed: {LibRdKafka.ErrorText(err)}");
        }
    }

    /// <summary>Makes a broker advertise another address in Metadata, e.g. a forwarder on a fixed port.</summary>
    public void Advertise(int brokerId, string host, int port) =>
        LibRdKafka.rd_kafka_mock_broker_set_host_port(_cluster, brokerId, host, port);

    public void Dispose()
    {
        if (_cluster != IntPtr.Zero)
        {
            LibRdKafka.rd_kafka_mock_cluster_destroy(_cluster);
            _cluster = IntPtr.Zero;
        }

        if (_handle != IntPtr.Zero)
        {
            LibRdKafka.rd_kafka_destroy(_handle);
            _handle = IntPtr.Zero;
        }
    }
}
