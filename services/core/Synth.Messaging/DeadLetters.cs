using System.Globalization;
using Synth.Contracts.Messaging;

namespace Synth.Messaging;

/// <summary>
/// Builds the dead-letter message for a message a stage cannot process: same key, value and headers, sent to
/// "&lt;topic&gt;.dlt", plus headers naming the error, the stage, the origin and the trace.
/// </summary>
public static class DeadLetters
{
    /// <summary>Longest error text kept (characters); a stack trace is cut rather than bloating the topic.</summary>
    public const int MaxErrorLength = 4096;

    private const string TruncationMarker = "…[truncated]";

    private static readonly HashSet<string> DeadLetterHeaderNames =
    [
        EnvelopeHeaders.DeadLetterError,
        EnvelopeHeaders.DeadLetterStage,
        EnvelopeHeaders.DeadLetterOriginTopic,
        EnvelopeHeaders.DeadLetterOriginPartition,
        EnvelopeHeaders.DeadLetterOriginOffset,
        EnvelopeHeaders.DeadLetterTraceId,
        EnvelopeHeaders.DeadLetterAt,
    ];

    public static OutboundMessage Create(InboundMessage origin, string stage, string error, string? traceId, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        ArgumentNullException.ThrowIfNull(error);

        // Earlier dead-letter headers (a message re-driven from a .dlt topic) would otherwise shadow nothing but confuse readers.
        var headers = origin.Headers.Where(h => !DeadLetterHeaderNames.Contains(h.Name)).ToList();
        headers.Add(MessageHeader.Utf8(EnvelopeHeaders.DeadLetterError, Truncate(error)));
        headers.Add(MessageHeader.Utf8(EnvelopeHeaders.DeadLetterStage, stage));
        headers.Add(MessageHeader.Utf8(EnvelopeHeaders.DeadLetterOriginTopic, origin.Topic));
        headers.Add(MessageHeader.Utf8(EnvelopeHeaders.DeadLetterOriginPartition, origin.Partition.ToString(CultureInfo.InvariantCulture)));
        headers.Add(MessageHeader.Utf8(EnvelopeHeaders.DeadLetterOriginOffset, origin.Offset.ToString(CultureInfo.InvariantCulture)));
        headers.Add(MessageHeader.Utf8(EnvelopeHeaders.DeadLetterTraceId, traceId ?? string.Empty));
        headers.Add(MessageHeader.Utf8(EnvelopeHeaders.DeadLetterAt, at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)));

        // The key stays the sample id; a keyless origin message (not written by Synth) keeps an empty key.
        return new OutboundMessage(Topics.DeadLetter(origin.Topic), origin.Key ?? string.Empty, origin.Value, headers);
    }

    private static string Truncate(string error) =>
        error.Length <= MaxErrorLength
            ? error
            : string.Concat(error.AsSpan(0, MaxErrorLength - TruncationMarker.Length), TruncationMarker);
}
