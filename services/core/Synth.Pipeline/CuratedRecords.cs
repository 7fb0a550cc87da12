using System.Globalization;
using Synth.Contracts.Datasets;
using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;

namespace Synth.Pipeline;

/// <summary>
/// Builds the messages of <see cref="Topics.Curated"/>: a sample's training record when it ends curated or changes
/// later, and a tombstone (empty value; null on Kafka) when it is removed. Keyed by sample id, so the compacted topic
/// keeps the latest of each sample.
/// </summary>
public static class CuratedRecords
{
    public const string TombstoneEventType = "synth.sample.removed.v1";

    public static CuratedRecord Of(SampleDocument sample, JobSpec spec, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(spec);
        return new CuratedRecord(
            CuratedRecord.CurrentSchemaVersion,
            sample.Id,
            sample.JobId,
            sample.Version,
            sample.TaskType,
            sample.Content,
            sample.Content.Label,
            sample.Weight,
            DatasetSplit.Of(sample.Id, spec.Evaluation.Export),
            CuratedRecord.LineageOf(sample.Id),
            now);
    }

    public static OutboundMessage For(SampleDocument sample, JobSpec spec, string source, DateTimeOffset now)
    {
        var record = Of(sample, spec, now);
        return new OutboundMessage(Topics.Curated, sample.Id, record.ToUtf8Json(),
            Headers(sample.Id, sample.JobId, sample.Version, CuratedRecord.EventType, source, now));
    }

    /// <summary>
    /// What the curated topic should hold for the sample now: its record when it is curated (state evaluated), a
    /// tombstone when a reviewer rejected it, nothing before the evaluator kept it. Published again after every later
    /// change (a relabel, a rejection) and on a redelivery, it never brings back a rejected sample.
    /// </summary>
    public static OutboundMessage? Current(SampleDocument sample, JobSpec spec, string source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.State != SampleState.Evaluated)
        {
            return null;
        }

        return !InDataset(sample)
            ? Tombstone(sample.Id, sample.JobId, sample.Version, source, now)
            : For(sample, spec, source, now);
    }

    /// <summary>
    /// The states a dataset's samples are in: only <see cref="SampleState.Evaluated"/>. A refined sample is not yet
    /// curated (the evaluator may still drop or reweigh it), so neither the topic nor an export carries it.
    /// </summary>
    public static readonly IReadOnlyList<SampleState> DatasetStates = [SampleState.Evaluated];

    /// <summary>
    /// The one rule of what a dataset holds, shared by the curated topic and every export: an evaluated sample no
    /// review rejected.
    /// </summary>
    public static bool InDataset(SampleDocument sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return DatasetStates.Contains(sample.State) && !RemovedByReview(sample);
    }

    /// <summary>
    /// A reviewer rejected the sample: it left the dataset, whatever its pipeline state (the topic holds a tombstone for
    /// it; exports leave it out).
    /// </summary>
    public static bool RemovedByReview(SampleDocument sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return sample.Review?.Status == ReviewStatus.Rejected;
    }

    /// <summary>The sample is no longer part of the dataset (a review rejected it): a consumer drops every version up to <paramref name="version"/>.</summary>
    public static OutboundMessage Tombstone(string sampleId, string jobId, long version, string source, DateTimeOffset now) =>
        new(Topics.Curated, sampleId, [], Headers(sampleId, jobId, version, TombstoneEventType, source, now));

    private static List<MessageHeader> Headers(string sampleId, string jobId, long version, string type, string source, DateTimeOffset now) =>
    [
        MessageHeader.Utf8(EnvelopeHeaders.SpecVersion, EnvelopeHeaders.CloudEventsSpecVersion),
        MessageHeader.Utf8(EnvelopeHeaders.Id, string.Create(CultureInfo.InvariantCulture, $"{sampleId}/curated/{version}")),
        MessageHeader.Utf8(EnvelopeHeaders.Source, source),
        MessageHeader.Utf8(EnvelopeHeaders.Type, type),
        MessageHeader.Utf8(EnvelopeHeaders.Time, now.ToString("O", CultureInfo.InvariantCulture)),
        MessageHeader.Utf8(EnvelopeHeaders.Subject, sampleId),
        MessageHeader.Utf8(EnvelopeHeaders.ContentType, EnvelopeHeaders.JsonContentType),
        MessageHeader.Utf8(EnvelopeHeaders.JobId, jobId),
        MessageHeader.Utf8(EnvelopeHeaders.SchemaVersion, CuratedRecord.CurrentSchemaVersion.ToString(CultureInfo.InvariantCulture)),
        MessageHeader.Utf8(EnvelopeHeaders.SampleVersion, version.ToString(CultureInfo.InvariantCulture)),
    ];
}
