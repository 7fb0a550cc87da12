using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Synth.Messaging.Kafka;

/// <summary>
/// Publishes with an idempotent producer (acks=all): a retried send never duplicates or reorders a partition's
/// messages. <see cref="PublishAsync"/> completes when the broker has acknowledged the message. A curated record goes
/// out in the format <see cref="CuratedWireFormat"/> chooses (through the schema registry when one is configured).
/// </summary>
public sealed partial class KafkaPublisher : IMessagePublisher, IDisposable
{
    public const string SystemName = "kafka";

    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(10);

    private readonly IProducer<string, byte[]> _producer;
    private readonly ILogger<KafkaPublisher> _logger;
    private readonly CuratedWireFormat _wireFormat;
    private int _disposed;

    public KafkaPublisher(IOptions<KafkaOptions> options, ILogger<KafkaPublisher> logger)
    {
        _logger = logger;
        _wireFormat = new CuratedWireFormat(options.Value.SchemaRegistry);
        var config = new ProducerConfig
        {
            BootstrapServers = options.Value.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
        };
        KafkaConfig.ApplyOverrides(config, options.Value);
        _producer = new ProducerBuilder<string, byte[]>(config)
            .SetErrorHandler((_, error) => KafkaConfig.LogError(_logger, error))
            .SetLogHandler((_, message) => KafkaConfig.Log(_logger, message))
            .Build();
    }

    public async Task PublishAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = message.Headers.ToList();
        using var activity = MessageTracing.StartPublish(message.Topic, message.Key, SystemName, headers);
        var kafkaHeaders = new Headers();
        foreach (var header in headers)
        {
            kafkaHeaders.Add(header.Name, header.Value);
        }

        var value = await _wireFormat.EncodeAsync(message.Topic, message.Value).ConfigureAwait(false);
        try
        {
            var result = await _producer.ProduceAsync(
                message.Topic,
                new Message<string, byte[]>
                {
                    Key = message.Key,
                    // An empty value is a tombstone (CuratedRecords.Tombstone); compaction needs it null on Kafka.
                    Value = value.Length == 0 ? null! : value,
                    Headers = kafkaHeaders,
                },
                cancellationToken);
            activity?.SetTag("messaging.destination.partition.id", result.Partition.Value.ToString(CultureInfo.InvariantCulture));
            activity?.SetTag("messaging.kafka.offset", result.Offset.Value);
        }
        catch (ProduceException<string, byte[]> e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Error.Reason);
            LogPublishFailed(e, message.Topic, message.Key, e.Error.Code);
            throw;
        }
    }

    public void Dispose()
    {
        // The container may own this instance twice (as itself and as IMessagePublisher), so disposal is idempotent.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        var unsent = _producer.Flush(FlushTimeout);
        if (unsent > 0)
        {
            LogUnflushed(unsent, FlushTimeout);
        }

        _producer.Dispose();
        _wireFormat.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing {MessageKey} to {Topic} failed: {ErrorCode}")]
    private partial void LogPublishFailed(Exception exception, string topic, string messageKey, ErrorCode errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Unsent} messages were still unacknowledged after flushing for {Timeout}")]
    private partial void LogUnflushed(int unsent, TimeSpan timeout);
}
