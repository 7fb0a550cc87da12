using Microsoft.Extensions.Logging;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Curation.Filters;
using Synth.Llm;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Curation.Processor.Filter;

/// <summary>
/// The LLM judge of a job, on the judge's own connection or the job's generation connection. Each call takes one unit
/// of the job's judge budget in the store first (so the budget holds across instances and restarts); a spent budget,
/// a failed call or an unreadable answer skips the judge for that sample with the reason recorded.
/// </summary>
public sealed partial class LlmJudge : ISampleJudge, IDisposable
{
    private readonly FilterModelCall model;
    private readonly IDedupStore budget;
    private readonly string budgetCounter;
    private readonly JudgeFilterSpec spec;
    private readonly TaskSpec task;
    private readonly ILogger logger;

    public LlmJudge(PipelineJob job, ChatClientFactory clients, IDedupStore budget, ILoggerFactory loggerFactory, TimeProvider time)
    {
        spec = job.Spec.Curation.Filter.Judge;
        task = job.Spec.Task;
        model = new FilterModelCall(job, clients, loggerFactory, time);
        this.budget = budget;
        budgetCounter = $"judge:{job.JobId}";
        logger = loggerFactory.CreateLogger<LlmJudge>();
    }

    public async ValueTask<JudgeOutcome> AssessAsync(SampleDocument sample, string text, CancellationToken cancellationToken)
    {
        if (!await budget.TryConsumeAsync(budgetCounter, spec.MaxRequests, cancellationToken).ConfigureAwait(false))
        {
            return new JudgeOutcome(null, $"judge skipped: the job's judge budget of {spec.MaxRequests} requests is spent");
        }

        var prompt = JudgePrompt.Render(task, text, spec.Criteria);
        var answer = await model.AskAsync(prompt, cancellationToken).ConfigureAwait(false);
        if (answer.Outcome is LlmOutcome.Failure or LlmOutcome.Refusal)
        {
            var reason = answer.Outcome == LlmOutcome.Refusal ? "the judge refused" : answer.FailureReason ?? "the judge call failed";
            LogJudgeSkipped(logger, sample.Id, reason);
            return new JudgeOutcome(null, $"judge skipped: {reason}");
        }

        var (assessment, problem) = JudgePrompt.Parse(answer.Text, spec.Criteria, model.Model);
        if (problem is not null)
        {
            LogJudgeSkipped(logger, sample.Id, problem);
            return new JudgeOutcome(null, $"judge skipped: {problem}");
        }

        return new JudgeOutcome(assessment, null);
    }

    public void Dispose() => model.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Judge skipped for sample {SampleId}: {Reason}")]
    private static partial void LogJudgeSkipped(ILogger logger, string sampleId, string reason);
}
