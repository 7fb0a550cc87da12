using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synth.Contracts.Jobs;
using Synth.Jobs;
using Synth.Store;

namespace Synth.Pipeline;

/// <summary>
/// Runs the generator service's job: stores the job, generates it with every other instance running it (each claims blocks of its requests), then stays up (streaming
/// service) until stopped. Restarting it resumes: recorded requests are skipped, stored samples re-published.
/// </summary>
public sealed partial class GeneratorHostedService(
    GeneratorWorker worker,
    ISampleStore store,
    IOptions<GeneratorOptions> generatorOptions,
    IOptions<ProcessorOptions> processorOptions,
    WorkerHealth health,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<GeneratorHostedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var options = generatorOptions.Value;
            var specText = await File.ReadAllTextAsync(options.JobFile, stoppingToken).ConfigureAwait(false);
            var spec = JobSpecLoader.LoadFile(options.JobFile);
            var job = new PipelineJob(JobIds.Derive(spec), spec);
            await store.InitializeAsync(stoppingToken).ConfigureAwait(false);
            await JobDocuments.SaveAsync(store, job, specText, JobState.Generating, time, stoppingToken).ConfigureAwait(false);
            health.Running();

            await worker.RunAsync(job, processorOptions.Value.MaxConcurrentRequests, stoppingToken).ConfigureAwait(false);
            LogDone(logger, job.JobId);
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            health.Faulted($"{ex.GetType().Name}: {ex.Message}");
            LogFaulted(logger, ex);
            lifetime.StopApplication();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: generation done; waiting for new work")]
    private static partial void LogDone(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The generator stopped on an error")]
    private static partial void LogFaulted(ILogger logger, Exception error);
}
