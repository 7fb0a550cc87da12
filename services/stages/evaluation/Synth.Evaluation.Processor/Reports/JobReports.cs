using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Evaluation.Processor.Reports;

/// <summary>Builds a job's report, keeps it in the store (the latest per job) and writes its files.</summary>
public static class JobReports
{
    public static async Task<JobReport> BuildAndStoreAsync(
        ISampleStore store,
        IReportStore reports,
        string jobId,
        JobSpec spec,
        TimeProvider time,
        IEmbeddingGenerator<string, Embedding<float>>? embedder,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var report = await new ReportBuilder(store, time, embedder).BuildAsync(jobId, spec, cancellationToken).ConfigureAwait(false);
        await reports.SaveReportAsync(new StoredReport(jobId, report.CreatedAt, ReportJson.Serialize(report)), cancellationToken).ConfigureAwait(false);
        return report;
    }

    /// <summary>CloudEvents type of a report message; the version is the report's schema version.</summary>
    public static readonly string ReportEventType = $"synth.report.v{JobReport.CurrentSchemaVersion}";

    /// <summary>
    /// Builds and stores the report as <see cref="BuildAndStoreAsync"/> does, then publishes its JSON on
    /// <see cref="Topics.Reports"/> keyed by job id (one job's reports stay in order on one partition), with a
    /// CloudEvents envelope like the data plane's messages.
    /// </summary>
    public static async Task<JobReport> BuildStoreAndPublishAsync(
        ISampleStore store,
        IReportStore reports,
        IMessagePublisher publisher,
        string jobId,
        JobSpec spec,
        TimeProvider time,
        IEmbeddingGenerator<string, Embedding<float>>? embedder,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        var report = await BuildAndStoreAsync(store, reports, jobId, spec, time, embedder, cancellationToken).ConfigureAwait(false);
        await publisher.PublishAsync(ReportMessage(report, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        return report;
    }

    /// <summary>The message carrying a report on <see cref="Topics.Reports"/>.</summary>
    public static OutboundMessage ReportMessage(JobReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        var createdAt = report.CreatedAt.ToString("O", CultureInfo.InvariantCulture);
        MessageHeader[] headers =
        [
            MessageHeader.Utf8(EnvelopeHeaders.SpecVersion, EnvelopeHeaders.CloudEventsSpecVersion),
            MessageHeader.Utf8(EnvelopeHeaders.Id, $"{report.JobId}/report/{createdAt}"),
            MessageHeader.Utf8(EnvelopeHeaders.Source, "/synth/reports"),
            MessageHeader.Utf8(EnvelopeHeaders.Type, ReportEventType),
            MessageHeader.Utf8(EnvelopeHeaders.Time, now.ToString("O", CultureInfo.InvariantCulture)),
            MessageHeader.Utf8(EnvelopeHeaders.Subject, report.JobId),
            MessageHeader.Utf8(EnvelopeHeaders.ContentType, EnvelopeHeaders.JsonContentType),
            MessageHeader.Utf8(EnvelopeHeaders.JobId, report.JobId),
            MessageHeader.Utf8(EnvelopeHeaders.SchemaVersion, report.SchemaVersion.ToString(CultureInfo.InvariantCulture)),
        ];
        return new OutboundMessage(Topics.Reports, report.JobId, Encoding.UTF8.GetBytes(ReportJson.Serialize(report)), headers);
    }

    public static async Task<ReportFiles> WriteFilesAsync(JobReport report, JobSpec spec, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var files = new ReportFiles(Path.Combine(folder, "report.json"), Path.Combine(folder, "report.html"), Path.Combine(folder, "dataset-card.md"));
        await File.WriteAllTextAsync(files.Json, ReportJson.Serialize(report), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(files.Html, HtmlReport.Render(report), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(files.Card, DatasetCard.Render(report, spec, export: null), cancellationToken).ConfigureAwait(false);
        return files;
    }

    /// <summary>Exports the curated dataset with its card as README.md; returns what was written.</summary>
    public static async Task<ExportResult> ExportAsync(ISampleStore store, JobReport report, JobSpec spec, string folder, CancellationToken cancellationToken)
    {
        var export = await new DatasetExporter(store).ExportAsync(report.JobId, spec, folder, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(folder, "README.md"), DatasetCard.Render(report, spec, export), cancellationToken).ConfigureAwait(false);
        return export;
    }
}
