using System.CommandLine;
using Microsoft.Extensions.Options;
using Synth.Datasets;
using Synth.Llm.Embeddings;
using Synth.Evaluation.Processor.Downstream;
using Synth.Llm;
using Synth.Evaluation.Processor.Reports;

namespace Synth.Cli;

/// <summary><c>synth report &lt;spec|job-id&gt;</c>: recompute a job's report from the store, keep it there, write its files.</summary>
public static class ReportCommand
{
    public static async Task<int> ExecuteAsync(string specOrJobId, string? storePath, DirectoryInfo? output, CancellationToken cancellationToken)
    {
        try
        {
            var (job, exitCode) = await StoredJob.OpenAsync(specOrJobId, storePath, cancellationToken).ConfigureAwait(false);
            if (job is null)
            {
                return exitCode;
            }

            using (job)
            {
                var report = await BuildAsync(job, cancellationToken).ConfigureAwait(false);
                var folder = output?.FullName ?? Path.GetFullPath(Path.Combine("reports", job.JobId));
                var files = await JobReports.WriteFilesAsync(report, job.Spec, folder, cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"Report of job {job.JobId}: {report.Curated.Samples:N0} curated samples, stored in the store and written to");
                Console.WriteLine($"  {files.Html}\n  {files.Json}\n  {files.Card}");
                return ExitCodes.Success;
            }
        }
        catch (OptionsValidationException ex)
        {
            Console.Error.WriteLine($"error: configuration: {string.Join("; ", ex.Failures)}");
            return ExitCodes.Failed;
        }
        catch (BenchmarkDataException ex)
        {
            Console.Error.WriteLine($"error: indirect evaluation: {ex.Message}");
            return ExitCodes.Failed;
        }
        catch (DatasetException ex)
        {
            Console.Error.WriteLine($"error: support set: {ex.Message}");
            return ExitCodes.Failed;
        }
        catch (LlmConfigurationException ex)
        {
            Console.Error.WriteLine($"error: faithfulness judge: {ex.Message}");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
    }

    internal static Command Create()
    {
        var job = new Argument<string>("job") { Description = "The job's spec file (YAML) or its job id." };
        var store = new Option<string?>("--store") { Description = "SQLite database file of the run (default: Store:SqlitePath, .synth/synth.db)." };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder to write report.html, report.json and dataset-card.md to (default: reports/<job-id>)." };
        var command = new Command("report", "Recompute a job's evaluation report from the store, keep it in the store, and write it as HTML, JSON and a Markdown dataset card.")
        {
            job,
            store,
            output,
        };
        command.SetAction((parse, cancellationToken) =>
            ExecuteAsync(parse.GetRequiredValue(job), parse.GetValue(store), parse.GetValue(output), cancellationToken));
        return command;
    }

    internal static async Task<JobReport> BuildAsync(StoredJob job, CancellationToken cancellationToken)
    {
        using var embedder = job.Spec.Evaluation.Embeddings ? new MiniLmEmbeddingGenerator() : null;
        return await JobReports.BuildAndStoreAsync(job.Store, job.Reports, job.JobId, job.Spec, TimeProvider.System,
            embedder, cancellationToken).ConfigureAwait(false);
    }
}
