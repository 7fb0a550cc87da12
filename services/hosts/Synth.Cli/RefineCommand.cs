using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synth.Curation.Processor.LabelRefinement;
using Synth.Jobs;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Cli;

/// <summary>
/// <c>synth refine job.yaml</c>: the batch label-refinement pass over everything the job has stored — the full K-fold
/// cross-partition student, every change recorded on its sample, the least confident samples queued for review.
/// </summary>
public static class RefineCommand
{
    public static Command Create()
    {
        var storeOption = new Option<string?>("--store")
        {
            Description = "SQLite database file of the job (default: Store:SqlitePath, .synth/synth.db), as given to synth run.",
        };
        var jobArgument = new Argument<FileInfo>("job") { Description = "The job spec (YAML) whose stored samples are refined." };
        var refine = new Command("refine", "Refine a stored job's labels: K-fold student over all its samples, changes recorded, low-confidence samples queued for review.")
        {
            jobArgument,
            storeOption,
        };
        refine.SetAction((parse, cancellationToken) =>
            ExecuteAsync(parse.GetRequiredValue(jobArgument), parse.GetValue(storeOption), cancellationToken));
        return refine;
    }

    public static async Task<int> ExecuteAsync(FileInfo jobFile, string? storePath, CancellationToken cancellationToken)
    {
        if (SpecFile.TryLoad(jobFile, out var spec, out _) is { } failure)
        {
            return failure;
        }

        var builder = CliHost.CreateBuilder(storePath, logToStandardError: true);
        try
        {
            using var host = builder.Build();
            var services = host.Services;
            var store = services.GetRequiredService<ISampleStore>();
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            var job = new PipelineJob(JobIds.Derive(spec!), spec!);
            using var inputs = new StudentInputs();
            var refiner = new BatchLabelRefiner(store, services.GetRequiredService<IReviewStore>(), services.GetRequiredService<TimeProvider>(), inputs);
            var report = await refiner.RefineAsync(job, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(report.NotRun is { } notRun
                ? $"Job {job.JobId}: {report.Considered} samples; the student did not run: {notRun}."
                : $"Job {job.JobId}: {report.Considered} samples; {report.Relabelled} relabelled, {report.Flagged} flagged, {report.Queued} queued for review"
                  + (report.MovedOn > 0 ? $", {report.MovedOn} not written because a stage or reviewer changed them meanwhile (rerun to include them)." : "."));
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled. Nothing is half-written: each sample is saved whole; rerun to finish.");
            return ExitCodes.Cancelled;
        }
        catch (OptionsValidationException ex)
        {
            return CliHost.ConfigurationFailed(ex);
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Failed;
        }
    }
}
