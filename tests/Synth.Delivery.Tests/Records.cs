using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Delivery;
using Synth.Messaging;
using Synth.Pipeline;

namespace Synth.Delivery.Tests;

/// <summary>Curated records and their messages, as the evaluator publishes them.</summary>
internal static class Records
{
    public static readonly DateTimeOffset Now = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);

    public static CuratedRecord Record(string jobId, int index, long version = 1, string? label = "positive", string? split = null) => new(
        CuratedRecord.CurrentSchemaVersion,
        SampleIds.For(jobId, index, 0),
        jobId,
        version,
        TaskType.TextClassification,
        new SampleContent { Text = $"Review number {index}.", Label = label },
        label,
        1.0,
        split ?? Contracts.Datasets.DatasetSplit.Of(SampleIds.For(jobId, index, 0), new Contracts.Jobs.ExportSpec()),
        CuratedRecord.LineageOf(SampleIds.For(jobId, index, 0)),
        Now);

    public static DatasetRow Row(string jobId, int index, long version = 1, string split = "train") =>
        DatasetColumns.Row(Record(jobId, index, version, split: split));

    public static InboundMessage Message(CuratedRecord record, int partition = 0, long offset = 0) =>
        new(Topics.Curated, partition, offset, record.SampleId, record.ToUtf8Json(), [
            MessageHeader.Utf8(EnvelopeHeaders.JobId, record.JobId),
            MessageHeader.Utf8(EnvelopeHeaders.SampleVersion, record.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]);

    /// <summary>A record's message on the curated topic, as a publisher sends it.</summary>
    public static OutboundMessage Outbound(CuratedRecord record) =>
        new(Topics.Curated, record.SampleId, record.ToUtf8Json(), [
            MessageHeader.Utf8(EnvelopeHeaders.JobId, record.JobId),
            MessageHeader.Utf8(EnvelopeHeaders.SampleVersion, record.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]);

    public static InboundMessage Tombstone(string jobId, int index, long version, int partition = 0, long offset = 0)
    {
        var outbound = CuratedRecords.Tombstone(SampleIds.For(jobId, index, 0), jobId, version, "/test", Now);
        return new InboundMessage(outbound.Topic, partition, offset, outbound.Key, outbound.Value, outbound.Headers);
    }
}
