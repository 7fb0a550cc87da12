using Microsoft.Extensions.Logging;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Curation.Filters;
using Synth.Llm;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Curation.Processor.Filter;

/// <summary>
/// Relevance escalation on the filter's model (<see cref="FilterModelCall"/>, the one the judge asks).
/// Each call is counted in the store first (counter <c>relevance:&lt;job&gt;</c>, at most one per generated sample
/// the job may produce); transient errors are retried by the executor, and a call that still fails, or an unreadable
/// answer, leaves the sample undecided by the model with the reason recorded on its decision.
/// </summary>
public sealed partial class LlmOnTaskCheck : IOnTaskCheck, IDisposable
{
    private readonly FilterModelCall model;
    private readonly IDedupStore counters;
    private readonly string counter;
    private readonly long maxRequests;
    private readonly TaskSpec task;
    private readonly ILogger logger;

    public LlmOnTaskCheck(PipelineJob job, ChatClientFactory clients, IDedupStore counters, ILoggerFactory loggerFactory, TimeProvider time)
    {
        model = new FilterModelCall(job, clients, loggerFactory, time);
        task = job.Spec.Task;
        this.counters = counters;
        counter = $"relevance:{job.JobId}";
        maxRequests = CuratedTarget.GeneratedCap(job.Spec.Generation);
        logger = loggerFactory.CreateLogger<LlmOnTaskCheck>();
    }

    public async ValueTask<OnTaskOutcome> AskAsync(SampleDocument sample, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (!await counters.TryConsumeAsync(counter, maxRequests, cancellationToken).ConfigureAwait(false))
        {
            return new OnTaskOutcome(null, $"escalation skipped: the job's {maxRequests} on-task questions are spent");
        }

        var answer = await model.AskAsync(OnTaskPrompt.Render(task, text), cancellationToken).ConfigureAwait(false);
        if (answer.Outcome is LlmOutcome.Failure or LlmOutcome.Refusal)
        {
            var reason = answer.Outcome == LlmOutcome.Refusal ? "the model refused" : answer.FailureReason ?? "the call failed";
            LogSkipped(logger, sample.Id, reason);
            return new OnTaskOutcome(null, $"escalation failed: {reason}");
        }

        if (OnTaskPrompt.Parse(answer.Text) is not { } onTask)
        {
            LogSkipped(logger, sample.Id, "unreadable answer");
            return new OnTaskOutcome(null, "escalation failed: the model answered neither yes nor no");
        }

        return new OnTaskOutcome(onTask, null, model.Model);
    }

    public void Dispose() => model.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relevance escalation for sample {SampleId} got no answer: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string sampleId, string reason);
}
