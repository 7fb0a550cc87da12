using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Synth.Contracts.Samples;
using Synth.Embeddings;
using Synth.Jobs;
using Synth.Pipeline;
using Synth.Reports;
using Synth.ServiceDefaults;
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

        // Logs go to stderr so the progress display on stdout stays readable.
        var builder = CliHost.CreateBuilder(storePath, logToStandardError: true);
        // One machine: the evaluator's feedback reaches the generator side in process (IFeedbackSource.SubscribeAsync).
        builder.Services.AddSingleton<InProcessFeedbackHub>();
        builder.Services.AddSingleton<IFeedbackPublisher>(sp => sp.GetRequiredService<InProcessFeedbackHub>());
        builder.Services.AddSingleton<IFeedbackSource>(sp => sp.GetRequiredService<InProcessFeedbackHub>());

        try
        {
            using var host = builder.Build();
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            var services = host.Services;
            var options = services.GetRequiredService<IOptions<ProcessorOptions>>().Value;
            var store = services.GetRequiredService<ISampleStore>();
            var generator = ProcessorLoader.CreateGenerator(services, options);
            ISampleProcessor[] processors =
            [
                ProcessorLoader.CreateProcessor(services, options, Stage.Filter),
                ProcessorLoader.CreateProcessor(services, options, Stage.LabelRefiner),
                ProcessorLoader.CreateProcessor(services, options, Stage.Evaluator),
            ];
            var pipeline = new LocalPipeline(store, generator, processors, options,
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILoggerFactory>(),
                services.GetRequiredService<IOptions<InstanceOptions>>().Value.InstanceName);

            var job = new PipelineJob(JobIds.Derive(spec!), spec!);
            if (retryFailed)
            {
                await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
                var reopened = await services.GetRequiredService<IFailedRequestStore>()
                    .ReopenFailedRequestsAsync(job.JobId, services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"Retrying {reopened} failed request(s); their earlier failures stay on record.");
            }

            // The evaluator's feedback steers the generator while the run lasts (the in-process hub; synth.feedback on Kafka).
            using var stopFeedback = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var feedback = ForwardFeedbackAsync(services.GetRequiredService<IFeedbackSource>(), generator, stopFeedback.Token);
            var clock = Stopwatch.StartNew();
            JobCounts counts;
            try
            {
                counts = await ProgressDisplay.RunAsync(job, progress => pipeline.RunAsync(job, specText!, progress, cancellationToken))
                    .ConfigureAwait(false);
            }
            finally
            {
                await stopFeedback.CancelAsync().ConfigureAwait(false);
                await feedback.ConfigureAwait(false);
            }

            ProgressDisplay.WriteSummary(job, counts, clock.Elapsed);
            if ((await store.GetJobAsync(job.JobId, cancellationToken).ConfigureAwait(false))?.StateReason is { } stoppedBecause)
            {
                Console.WriteLine($"Generation stopped early: {stoppedBecause}. Raise the budget in the spec and rerun to continue.");
            }

            foreach (var processor in processors.OfType<IDisposable>())
            {
                processor.Dispose();
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

            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled. Rerun the same command to resume: finished work is kept.");
            return ExitCodes.Cancelled;
        }
        catch (Synth.Evaluation.Downstream.BenchmarkDataException ex)
        {
            Console.Error.WriteLine($"error: the job completed, but its report's indirect evaluation failed: {ex.Message}");
            Console.Error.WriteLine("Fix it and write the report with `synth report`.");
            return ExitCodes.Failed;
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
        catch (Exception ex)
        {
            Console.Error.WriteLine($"error: the run failed: {ex}");
            Console.Error.WriteLine("Finished work is stored; rerun the same command to resume.");
            return ExitCodes.Failed;
        }
    }

    private static async Task ForwardFeedbackAsync(IFeedbackSource source, ISampleGenerator generator, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in source.SubscribeAsync(cancellationToken).ConfigureAwait(false))
            {
                await generator.OnFeedbackAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
