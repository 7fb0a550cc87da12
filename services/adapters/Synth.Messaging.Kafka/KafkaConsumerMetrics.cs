using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Synth.Messaging.Kafka;

/// <summary>
/// Consumer lag per partition (meter "Synth.Messaging.Kafka"): the partition's high watermark less the next offset
/// this process has not finished, so messages in flight count as lag. Every consume loop of the process reports the
/// partitions it holds; lag is what a stage is scaled on (infra/k8s, KEDA).
/// </summary>
public static class KafkaConsumerMetrics
{
    public const string MeterName = "Synth.Messaging.Kafka";
    public const string GroupTag = "group";
    public const string TopicTag = "topic";
    public const string PartitionTag = "partition";

    private static readonly Meter Meter = new(MeterName);

    // Keyed by the loop too: when a partition moves between two consumers of this process, the one giving it up
    // must not remove the other's value.
    private static readonly ConcurrentDictionary<(object Loop, string Group, string Topic, int Partition), long> Lags = new();

    /// <summary>Messages of a partition not yet finished by its consumer group here.</summary>
    public static readonly ObservableGauge<long> Lag = Meter.CreateObservableGauge(
        "synth.kafka.consumer.lag", Observe, "{message}", "Messages of a partition its consumer group has not finished");

    internal static void Set(object loop, string group, string topic, int partition, long lag) => Lags[(loop, group, topic, partition)] = lag;

    internal static void Remove(object loop, string topic, int partition)
    {
        foreach (var key in Lags.Keys.Where(k => k.Loop == loop && k.Topic == topic && k.Partition == partition))
        {
            Lags.TryRemove(key, out _);
        }
    }

    internal static void RemoveAll(object loop)
    {
        foreach (var key in Lags.Keys.Where(k => k.Loop == loop))
        {
            Lags.TryRemove(key, out _);
        }
    }

    private static IEnumerable<Measurement<long>> Observe() =>
        Lags.Select(entry => new Measurement<long>(
            entry.Value,
            new KeyValuePair<string, object?>(GroupTag, entry.Key.Group),
            new KeyValuePair<string, object?>(TopicTag, entry.Key.Topic),
            new KeyValuePair<string, object?>(PartitionTag, entry.Key.Partition)));
}
