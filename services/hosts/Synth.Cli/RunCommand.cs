using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Synth.Contracts.Samples;
using Synth.Llm.Embeddings;
using Synth.Jobs;
using Synth.Llm;
using Synth.Pipeline;
using Synth.Evaluation.Processor.Reports;
using Synth.Curation.Processor;
using Synth.Evaluation.Processor;
using Synth.Generation.Processor;
using Synth.Store;

namespace Synth.Cli;

/// <summary><c>synth run job.yaml</c>: the one-machine pipeline with a progress display.</summary>
public static class RunCommand
{
    public static async Task<int> ExecuteAsync(FileInfo jobFile, string? storePath, bool retryFailed, CancellationToken cancellationToken)
    {
        if (SpecFile.TryLoad(jobFile, out var spec, out var specText) is { } failure)
        {
            return failure;
        }

        if (SpecFile.UnsetKeyVariables(jobFile, specText!) is { } unset)
        {
            return unset;
        }

        if (await AutoModels.ResolveAsync(spec!, cancellationToken).ConfigureAwait(false) is { } noModel)
        {
            return noModel;
        }

        // Logs go to stderr so the progress display on stdout stays readable.
        var builder = CliHost.CreateBuilder(storePath, logToStandardError: true);
        // One machine: every stage in this process over the in-process bus, the store's tables made first.
        builder.Services.AddHostedService<StoreInitialization>();
        builder.Services.AddGeneratorStage().AddFilterStage().AddLabelRefinerStage().AddEvaluatorStage();
        builder.Services.AddInProcessTransport();
        builder.Services.AddSynthPipeline(PipelineComposition.AllStages);

        try
        {
            using var host = builder.Build();
            var services = host.Services;
            var store = services.GetRequiredService<ISampleStore>();
            var job = new PipelineJob(JobIds.Derive(spec!), spec!);
            if (retryFailed)
            {
                await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
                var reopened = await services.GetRequiredService<IFailedRequestStore>()
                    .ReopenFailedRequestsAsync(job.JobId, services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"Retrying {reopened} failed request(s); their earlier failures stay on record.");
            }

            var clock = Stopwatch.StartNew();
            JobCounts counts;
            try
            {
                // Starts every stage (and sends samples an interrupted run left between stages through them again).
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
                var pipeline = new LocalPipeline(services);
                counts = await ProgressDisplay.RunAsync(job, progress => pipeline.RunAsync(job, specText!, progress, cancellationToken))
                    .ConfigureAwait(false);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }

            ProgressDisplay.WriteSummary(job, counts, clock.Elapsed);
            if ((await store.GetJobAsync(job.JobId, cancellationToken).ConfigureAwait(false))?.StateReason is { } stoppedBecause)
            {
                var hint = stoppedBecause.StartsWith(CuratedTarget.CapReached, StringComparison.Ordinal)
                    ? "The report says why samples were rejected; raise generation.maxGenerated or loosen the filter, and rerun to continue."
                    : "Raise the budget in the spec and rerun to continue.";
                Console.WriteLine($"Generation stopped early: {stoppedBecause}. {hint}");
            }

            // The job is complete: its report is computed from the store, kept there, and written beside the run.
            using (var embedder = spec!.Evaluation.Embeddings ? new MiniLmEmbeddingGenerator() : null)
            {
                var report = await JobReports.BuildAndStoreAsync(store, services.GetRequiredService<IReportStore>(), job.JobId, spec,
                    services.GetRequiredService<TimeProvider>(), embedder, cancellationToken).ConfigureAwait(false);
                var files = await JobReports.WriteFilesAsync(report, spec, Path.GetFullPath(Path.Combine("reports", job.JobId)), cancellationToken)
                    .ConfigureAwait(false);
                Console.WriteLine($"Report: {files.Html}");
            }

            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled. Rerun the same command to resume: finished work is kept.");
            return ExitCodes.Cancelled;
        }
        catch (Synth.Evaluation.Processor.Downstream.BenchmarkDataException ex)
        {
            Console.Error.WriteLine($"error: the job completed, but its report's indirect evaluation failed: {ex.Message}");
            Console.Error.WriteLine("Fix it and write the report with `synth report`.");
            return ExitCodes.Failed;
        }
        catch (OptionsValidationException ex)
        {
            return CliHost.ConfigurationFailed(ex);
        }
        catch (ModelEndpointUnavailableException ex)
        {
            return CliErrors.Fail($"job paused: {ex.Message}", "check the model endpoint, then rerun the same command to resume: finished work is kept.", ex);
        }
        catch (LlmConfigurationException ex)
        {
            return CliErrors.Fail(ex.Message, "fix the model settings in the spec's generation section (see docs/job-spec.md) and rerun.", ex);
        }
        catch (InvalidOperationException ex)
        {
            return CliErrors.Fail(ex.Message, "fix the cause and rerun the same command: finished work is kept.", ex);
        }
        catch (Exception ex)
        {
            return CliErrors.Fail($"the run failed: {ex.Message}", "finished work is stored; rerun the same command to resume (--verbose shows the details).", ex);
        }
    }
}
