using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api;

/// <summary>Builds the job views from the store: counts, budget spent, and the limits of the stored spec.</summary>
public sealed class JobViews(ISampleStore store, IBudgetStore budgets, IAuditStore audit, JobCatalog catalog)
{
    public async Task<JobSummary> SummarizeAsync(JobDocument job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var counts = await store.CountAsync(job.Id, cancellationToken);
        var (spent, reserved) = await budgets.GetBudgetAsync(job.Id, cancellationToken);
        var spec = (await catalog.GetAsync(job.Id, cancellationToken)).Spec;
        return new JobSummary(job.Id, job.Name, job.State, job.StateReason, job.TargetCount ?? spec.Generation.Target, job.CreatedAt, job.UpdatedAt,
            StageCounts(counts), new JobBudget(spent, reserved, new JobBudgetLimits(spec.Budget.MaxRequests, spec.Budget.MaxTokens, spec.Budget.MaxCostUsd)));
    }

    public async Task<JobDetail> DetailAsync(JobDocument job, CancellationToken cancellationToken) =>
        new(await SummarizeAsync(job, cancellationToken), job.Transitions, job.SpecText, await audit.ForJobAsync(job.Id, cancellationToken));

    /// <summary>
    /// How far each stage has got: a sample counts for every stage it has passed, up to the one that decided it last
    /// (a rejection over a label quota is the evaluator's, after the filter and the label refiner).
    /// </summary>
    public static JobStageCounts StageCounts(JobCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var states = Enum.GetValues<SampleState>().ToDictionary(StateName, state => counts[state]);
        var stages = Enum.GetValues<Stage>().ToDictionary(stage => stage.Name(), stage =>
        {
            var depth = stage.OutputStates()[0].Ordinal();
            // The evaluator's rejections rank with the filter's by state; they also passed every stage after it.
            var passedAfterFilter = depth > SampleState.Rejected.Ordinal() ? counts.RejectedByEvaluator : 0;
            return Enum.GetValues<SampleState>().Where(state => state.Ordinal() >= depth).Sum(state => counts[state]) + passedAfterFilter;
        });
        return new JobStageCounts(states, stages, counts.TotalSamples, counts.RequestsSucceeded, counts.RequestsFailed, counts.Failures);
    }

    private static string StateName(SampleState state) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(state.ToString());
}
