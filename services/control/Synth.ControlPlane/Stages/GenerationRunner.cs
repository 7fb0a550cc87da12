using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synth.Contracts.Jobs;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.ControlPlane.Stages;

/// <summary>
/// A generator instance's part in every job the control plane runs: one generation run per job, started and
/// stopped by the state machine's commands, reporting started, progress (each second) and finished (when the job's
/// generation is over for every instance, see <see cref="GeneratorWorker.RunAsync"/>). Restarting a run is cheap:
/// recorded requests are skipped.
/// </summary>
public sealed partial class GenerationRunner(
    GeneratorWorker worker,
    ISampleStore store,
    IBudgetStore budgets,
    IBus bus,
    IOptions<ProcessorOptions> processorOptions,
    InstanceIdentity instance,
    ILogger<GenerationRunner> logger) : IAsyncDisposable
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Run> _runs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    // Start and stop commands for one job may arrive together (a recovery and a command); one at a time.
    private readonly SemaphoreSlim _commands = new(1, 1);

    /// <summary>Starts (or restarts with a new target) the job's generation; a run with the same target goes on.</summary>
    public async Task StartAsync(string jobId, int targetCount, CancellationToken cancellationToken)
    {
        await _commands.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stopping.IsCancellationRequested)
            {
                // The host is stopping: a command that arrives now starts nothing that would outlive it.
                return;
            }

            if (_runs.TryGetValue(jobId, out var running) && running.TargetCount == targetCount && !running.Task.IsCompleted)
            {
                return;
            }

            await StopRunAsync(jobId).ConfigureAwait(false);
            var document = await store.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false) ?? throw new UnknownJobException(jobId);
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            _runs[jobId] = new Run(targetCount, cancel, Task.Run(() => RunAsync(document, targetCount, cancel.Token), CancellationToken.None));
        }
        finally
        {
            _commands.Release();
        }
    }

    public async Task StopAsync(string jobId)
    {
        await _commands.WaitAsync().ConfigureAwait(false);
        try
        {
            await StopRunAsync(jobId).ConfigureAwait(false);
        }
        finally
        {
            _commands.Release();
        }
    }

    private async Task StopRunAsync(string jobId)
    {
        if (_runs.TryRemove(jobId, out var run))
        {
            await run.Cancel.CancelAsync().ConfigureAwait(false);
            await run.Task.ConfigureAwait(false);
            run.Cancel.Dispose();
        }
    }

    /// <summary>
    /// Stops every run and waits for it (<see cref="GenerationRunnerLifetime"/> calls this when the host stops), so no
    /// request's writes outlive the host: the container may be disposed later, or by another thread than the one that
    /// stopped the host (WebApplicationFactory), and the bus the runs publish to stops with the host.
    /// </summary>
    public async Task StopAllAsync(CancellationToken cancellationToken)
    {
        Task[] running;
        await _commands.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            running = [.. _runs.Values.Select(r => r.Task)];
        }
        finally
        {
            _commands.Release();
        }

        await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAllAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
        _commands.Dispose();
    }

    private async Task RunAsync(JobDocument document, int targetCount, CancellationToken cancellationToken)
    {
        var jobId = document.Id;
        var correlation = JobCorrelation.Of(jobId);
        try
        {
            var spec = document.RequireSpec();
            spec.Generation.Target = targetCount;
            var job = new PipelineJob(jobId, spec);
            await bus.Publish(new GenerationStarted(correlation, jobId, instance.Name), cancellationToken).ConfigureAwait(false);
            using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var progress = ReportProgressAsync(job, stopProgress.Token);
            string? stopReason;
            try
            {
                stopReason = await worker.RunAsync(job, processorOptions.Value.MaxConcurrentRequests, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await stopProgress.CancelAsync().ConfigureAwait(false);
                await progress.ConfigureAwait(false);
            }

            // The last progress report carries the final spend, so the machine sees it before the finish.
            await PublishProgressAsync(job, cancellationToken).ConfigureAwait(false);
            await bus.Publish(new GenerationFinished(correlation, jobId, instance.Name, targetCount, stopReason), cancellationToken)
                .ConfigureAwait(false);
            LogFinished(logger, jobId, stopReason ?? "done");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogStopped(logger, jobId);
        }
        catch (Exception down) when (down is ModelEndpointUnavailableException or GenerationStalledException)
        {
            // Paused rather than failed or left stalling: resuming the job starts generation again where it stopped.
            LogPausing(logger, jobId, down.Message);
            await bus.Publish(new PauseJob(correlation, jobId, down.Message), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex, jobId);
            await bus.Publish(new JobFailed(correlation, jobId, $"generator {instance.Name}: {ex.GetType().Name}: {ex.Message}"), CancellationToken.None)
                .ConfigureAwait(false);
        }
    }

    private async Task ReportProgressAsync(PipelineJob job, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ProgressInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await PublishProgressAsync(job, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task PublishProgressAsync(PipelineJob job, CancellationToken cancellationToken)
    {
        var recorded = await store.GetRecordedRequestIndexesAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        var (spent, _) = await budgets.GetBudgetAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        await bus.Publish(new GenerationProgress(JobCorrelation.Of(job.JobId), job.JobId, instance.Name, recorded.Count,
            worker.PlannedRequests(job), new JobSpending(spent.Requests, spent.Tokens, spent.CostUsd)), cancellationToken).ConfigureAwait(false);
    }

    private sealed record Run(int TargetCount, CancellationTokenSource Cancel, Task Task);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: generation finished ({Outcome})")]
    private static partial void LogFinished(ILogger logger, string jobId, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: generation stopped by the control plane")]
    private static partial void LogStopped(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: pausing the job, {Reason}")]
    private static partial void LogPausing(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: generation failed")]
    private static partial void LogFailed(ILogger logger, Exception error, string jobId);
}
