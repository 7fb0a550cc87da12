using System.IO.Compression;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Synth.Contracts.Audit;
using Synth.Pipeline;
using Synth.Evaluation.Processor.Reports;
using Synth.Store;

namespace Synth.Api;

/// <summary>A job's stored evaluation report (JSON and HTML) and its dataset export (docs/api.md).</summary>
public static class ReportEndpoints
{
    public static IEndpointRouteBuilder MapReportApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/jobs/{jobId}").WithTags("Reports");
        jobs.MapGet("/report", JsonAsync)
            .Produces<JobReport>(contentType: "application/json")
            .RequireAuthorization(ApiPolicies.Viewer)
            .WithName("GetReport")
            .WithSummary("The job's latest evaluation report as JSON (written by the evaluator when the job completes, or by synth report).");
        jobs.MapGet("/report.html", HtmlAsync)
            .Produces<string>(contentType: "text/html")
            .RequireAuthorization(ApiPolicies.Viewer)
            .WithName("GetReportHtml")
            .WithSummary("The same report as one self-contained HTML page with its charts.");
        jobs.MapGet("/export", ExportAsync)
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .RequireAuthorization(ApiPolicies.Operator)
            .WithName("ExportDataset")
            .WithSummary("The curated dataset as a zip of the Hugging Face folder (README.md dataset card, train/validation/test splits) in ?format=jsonl or parquet.");
        return app;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> JsonAsync(string jobId, [FromServices] ISampleStore store, [FromServices] IReportStore reports, CancellationToken cancellationToken) =>
        await FindReportAsync(jobId, store, reports, cancellationToken) switch
        {
            (StoredReport report, _) => TypedResults.Text(report.Json, "application/json"),
            (_, var problem) => problem!,
        };

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> HtmlAsync(string jobId, [FromServices] ISampleStore store, [FromServices] IReportStore reports, CancellationToken cancellationToken) =>
        await FindReportAsync(jobId, store, reports, cancellationToken) switch
        {
            (StoredReport report, _) => TypedResults.Text(HtmlReport.Render(ReportJson.Deserialize(report.Json)), "text/html"),
            (_, var problem) => problem!,
        };

    private static async Task<Results<FileStreamHttpResult, ValidationProblem, ProblemHttpResult>> ExportAsync(
        string jobId, string? format, ClaimsPrincipal user, [FromServices] ISampleStore store, [FromServices] IReportStore reports, [FromServices] JobCatalog catalog,
        [FromServices] AuditTrail audit, CancellationToken cancellationToken)
    {
        var folderOfFormat = format switch
        {
            "jsonl" => DatasetExporter.JsonlFolder,
            "parquet" or null => DatasetExporter.ParquetFolder,
            _ => null,
        };
        if (folderOfFormat is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = [$"'{format}' is not an export format; one of: jsonl, parquet"] });
        }

        var (stored, problem) = await FindReportAsync(jobId, store, reports, cancellationToken);
        if (stored is null)
        {
            return problem!;
        }

        var spec = (await catalog.GetAsync(jobId, cancellationToken)).Spec;
        var archive = await ExportArchive.CreateAsync(store, ReportJson.Deserialize(stored.Json), spec, folderOfFormat, cancellationToken);
        await audit.RecordAsync(user, AuditAction.Export, jobId, cancellationToken, detail: format ?? "parquet");
        return TypedResults.Stream(archive, "application/zip", $"{jobId}-{format ?? "parquet"}.zip");
    }

    private static async Task<(StoredReport? Report, ProblemHttpResult? Problem)> FindReportAsync(
        string jobId, ISampleStore store, IReportStore reports, CancellationToken cancellationToken)
    {
        if (await store.GetJobAsync(jobId, cancellationToken) is null)
        {
            return (null, JobEndpoints.UnknownJob(jobId));
        }

        return await reports.GetReportAsync(jobId, cancellationToken) is { } report
            ? (report, null)
            : (null, TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No report yet",
                detail: $"Job '{jobId}' has no report yet: the evaluator writes it when the job completes (or run synth report {jobId})."));
    }
}
