using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Synth.Messaging.Kafka;

internal static partial class KafkaConfig
{
    public static void ApplyOverrides(ClientConfig config, KafkaOptions options)
    {
        foreach (var (key, value) in options.Settings)
        {
            config.Set(key, value);
        }
    }

    public static void LogError(ILogger logger, Error error)
    {
        // librdkafka reports transient broker and transport problems here and recovers by itself; fatal ones end the client.
        if (error.IsFatal)
        {
            LogFatal(logger, error.Code, error.Reason);
        }
        else
        {
            LogTransient(logger, error.Code, error.Reason);
        }
    }

    public static void Log(ILogger logger, LogMessage message)
    {
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
            SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        LogLibrdkafka(logger, level, message.Name, message.Facility, message.Message);
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Kafka client fatal error {ErrorCode}: {Reason}")]
    private static partial void LogFatal(ILogger logger, ErrorCode errorCode, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka client error {ErrorCode}: {Reason}")]
    private static partial void LogTransient(ILogger logger, ErrorCode errorCode, string reason);

    [LoggerMessage(Message = "librdkafka {Client} {Facility}: {Text}")]
    private static partial void LogLibrdkafka(ILogger logger, LogLevel level, string client, string facility, string text);
}
