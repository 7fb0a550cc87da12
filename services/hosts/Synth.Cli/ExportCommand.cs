using System.CommandLine;
using Microsoft.Extensions.Options;
using Synth.Datasets;
using Synth.Llm.Embeddings;
using Synth.Evaluation.Processor.Downstream;
using Synth.Llm;
using Synth.Evaluation.Processor.Reports;

namespace Synth.Cli;

/// <summary><c>synth export &lt;spec|job-id&gt; --out DIR</c>: the curated dataset in the Hugging Face folder layout.</summary>
public static class ExportCommand
{
    public static async Task<int> ExecuteAsync(string specOrJobId, string? storePath, DirectoryInfo output, CancellationToken cancellationToken)
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
                var report = await ReportCommand.BuildAsync(job, cancellationToken).ConfigureAwait(false);
                var export = await JobReports.ExportAsync(job.Store, report, job.Spec, output.FullName, cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"Exported {export.TotalRows:N0} samples of job {job.JobId} to {output.FullName}: "
                    + string.Join(", ", export.Rows.Select(r => $"{r.Key} {r.Value:N0}")));
                Console.WriteLine($"Load it with: datasets.load_dataset(\"{output.FullName}\")");
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
        catch (IOException ex)
        {
            Console.Error.WriteLine($"error: writing the export to '{output.FullName}' failed: {ex.Message}");
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
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the dataset to (created if missing).", Required = true };
        var command = new Command("export", "Export a job's curated samples as JSONL and Parquet with train/validation/test splits, in the folder layout Hugging Face datasets loads, with a dataset card.")
        {
            job,
            store,
            output,
        };
        command.SetAction((parse, cancellationToken) =>
            ExecuteAsync(parse.GetRequiredValue(job), parse.GetValue(store), parse.GetRequiredValue(output), cancellationToken));
        return command;
    }
}
