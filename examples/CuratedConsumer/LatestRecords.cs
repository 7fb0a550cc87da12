using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Synth.Contracts.Messaging;

namespace CuratedConsumer;

/// <summary>
/// The dataset as the topic says it is now: the highest version of every sample, minus the samples whose tombstone is
/// at least as new. Delivery is at-least-once and a partition may be read again, so an older or repeated message
/// changes nothing.
/// </summary>
public sealed class LatestRecords
{
    private readonly Dictionary<string, CuratedRecord> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _removedAt = new(StringComparer.Ordinal);

    public IReadOnlyCollection<CuratedRecord> Records => _records.Values;

    public void Apply(Message<string, byte[]?> message)
    {
        if (message.Value is null)
        {
            // A tombstone: the sample left the dataset at this version.
            var version = VersionOf(message.Headers);
            if (!_records.TryGetValue(message.Key, out var held) || held.Version <= version)
            {
                _records.Remove(message.Key);
                _removedAt[message.Key] = Math.Max(version, _removedAt.GetValueOrDefault(message.Key));
            }

            return;
        }

        var record = CuratedRecord.Parse(message.Value);
        if (_removedAt.TryGetValue(record.SampleId, out var removed) && removed >= record.Version)
        {
            return;
        }

        if (!_records.TryGetValue(record.SampleId, out var current) || current.Version < record.Version)
        {
            _records[record.SampleId] = record;
        }
    }

    private static long VersionOf(Headers headers) =>
        headers.TryGetLastBytes(EnvelopeHeaders.SampleVersion, out var bytes)
            ? long.Parse(Encoding.UTF8.GetString(bytes), CultureInfo.InvariantCulture)
            : long.MaxValue; // No version: the removal wins over anything held.
}
