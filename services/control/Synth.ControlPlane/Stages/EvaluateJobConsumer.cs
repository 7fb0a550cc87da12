using MassTransit;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Synth.Llm.Embeddings;
using Synth.Messaging;
using Synth.Evaluation.Processor.Reports;
using Synth.Store;

namespace Synth.ControlPlane.Stages;

/// <summary>The evaluator's part of a job's end: build the report from the store, keep it, publish it on synth.reports, and say so.</summary>
public sealed partial class EvaluateJobConsumer(
    ISampleStore store,
    IReportStore reports,
    IMessagePublisher publisher,
    TimeProvider time,
    ILogger<EvaluateJobConsumer> logger) : IConsumer<EvaluateJob>
{
    public async Task Consume(ConsumeContext<EvaluateJob> context)
    {
        var jobId = context.Message.JobId;
        string? error = null;
        try
        {
            var document = await store.GetJobAsync(jobId, context.CancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Job '{jobId}' is not in the store.");
            var spec = document.RequireSpec();
            using var embedder = spec.Evaluation.Embeddings ? new MiniLmEmbeddingGenerator() : null;
            await JobReports.BuildStoreAndPublishAsync(store, reports, publisher, jobId, spec, time, embedder, context.CancellationToken).ConfigureAwait(false);
            LogEvaluated(logger, jobId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            // The job fails with the reason; the message is handled (a retry would fail the same way).
            error = $"{ex.GetType().Name}: {ex.Message}";
            LogFailed(logger, ex, jobId);
        }

        await context.Publish(new JobEvaluated(context.Message.CorrelationId, jobId, error)).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: report built, stored and published")]
    private static partial void LogEvaluated(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: the report could not be built")]
    private static partial void LogFailed(ILogger logger, Exception error, string jobId);
}
