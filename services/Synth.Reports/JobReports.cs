using Microsoft.Extensions.AI;
using Synth.Contracts.Jobs;
using Synth.Store;

namespace Synth.Reports;

/// <summary>The report's files in a folder: report.json, report.html and dataset-card.md.</summary>
public sealed record ReportFiles(string Json, string Html, string Card);

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
