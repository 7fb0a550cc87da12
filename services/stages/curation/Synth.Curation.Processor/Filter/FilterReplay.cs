using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Curation.Processor.Filter;

/// <summary>
/// Replay: re-runs the filter with another <c>curation.filter</c> over a job's stored samples, as they were generated
/// (state generated, the generator's label, no later decisions), into a new job
/// <c>&lt;job&gt;-replay-&lt;hash of the filter settings&gt;</c> so the original stays untouched. No model is called: judge
/// scores and relevance escalation's on-task answers are read back from each sample's stored filter decision, and a sample never judged or asked is passed with
/// the reason recorded. Dedup runs in the replay job's own index, so a dataset-wide index is neither read nor changed.
/// Rerunning the same replay reuses the decisions already stored for it.
/// </summary>
public static class FilterReplay
{
    private const int PageSize = 200;

    /// <summary>The replay job's id: stable for the same source job and filter settings.</summary>
    public static string ReplayJobId(string sourceJobId, FilterSpec filter)
    {
        var settings = JsonSerializer.Serialize(filter, SampleJson.Options);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(settings)))[..10];
        var suffix = $"-replay-{hash}";
        return sourceJobId[..Math.Min(sourceJobId.Length, 64 - suffix.Length)].TrimEnd('-') + suffix;
    }

    /// <param name="filterSpec">The settings to replay with (the <c>curation.filter</c> of <paramref name="filterSpecText"/>'s spec).</param>
    /// <exception cref="InvalidOperationException">The source job is not in the store.</exception>
    public static async Task<ReplayReport> RunAsync(
        ISampleStore store, IDedupStore dedupStore, string sourceJobId, FilterSpec filterSpec, string filterSpecText,
        IEmbeddingGenerator<string, Embedding<float>>? embeddings, string? embeddingProblem, TimeProvider time, CancellationToken cancellationToken)
    {
        var source = await store.GetJobAsync(sourceJobId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Job '{sourceJobId}' is not in the store; nothing to replay.");
        var spec = source.RequireSpec();
        var replayId = ReplayJobId(sourceJobId, filterSpec);
        spec.Curation.Filter = filterSpec;
        // Replay never touches a shared index: its duplicates are found among its own samples.
        spec.Curation.Filter.Dedup.Scope = DedupScope.Job;
        spec.Curation.Filter.Dedup.Dataset = null;
        var job = new PipelineJob(replayId, spec);
        await JobDocuments.SaveAsync(store, job, filterSpecText, JobState.Evaluating, time, cancellationToken).ConfigureAwait(false);

        var judge = new StoredJudge(filterSpec.Judge.Criteria);
        var filter = await JobFilter.CreateAsync(job, dedupStore, embeddings, embeddingProblem, judge, new StoredOnTaskCheck(), null, history: null, cancellationToken).ConfigureAwait(false);
        var changes = new List<ReplayChange>();
        string? after = null;
        do
        {
            var page = await store.QuerySamplesAsync(new SampleQuery { JobId = sourceJobId, AfterId = after, Limit = PageSize }, cancellationToken).ConfigureAwait(false);
            foreach (var original in page.Items)
            {
                var before = original.Decisions.LastOrDefault(d => d.Stage == Stage.Filter);
                var replayed = await DecideAsync(store, filter, judge, job, original, time, cancellationToken).ConfigureAwait(false);
                changes.Add(new ReplayChange(original.Id, replayed.Id, before?.Outcome, before?.Reason, replayed.State, replayed.Decisions[^1].Reason));
            }

            after = page.NextAfterId;
        }
        while (after is not null);

        await JobDocuments.SaveAsync(store, job, filterSpecText, JobState.Completed, time, cancellationToken).ConfigureAwait(false);
        return new ReplayReport(sourceJobId, replayId, changes);
    }

    private static async Task<SampleDocument> DecideAsync(
        ISampleStore store, JobFilter filter, StoredJudge judge, PipelineJob job, SampleDocument original, TimeProvider time, CancellationToken cancellationToken)
    {
        var replayId = SampleIds.For(job.JobId, original.Provenance.RequestIndex, original.Provenance.IndexInRequest);
        if (await store.GetSampleAsync(replayId, cancellationToken).ConfigureAwait(false) is { State: not SampleState.Generated } done)
        {
            return done;
        }

        var raw = RawGeneration(original, replayId, job.JobId);
        var verdict = await filter.DecideAsync(raw, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        raw.Decisions = [];
        raw.Decisions.Add(new StageDecision
        {
            Stage = Stage.Filter,
            Outcome = verdict.Outcome,
            Scores = verdict.Scores?.ToDictionary() ?? [],
            Reason = verdict.Reason,
            DecidedBy = "replay",
            At = now,
        });
        raw.State = verdict.Outcome;
        raw.UpdatedAt = now;
        await store.SaveSampleAsync(raw, cancellationToken).ConfigureAwait(false);
        return raw;
    }

    /// <summary>
    /// The sample as the generator stored it: later stages' label changes undone (the first label in the history is
    /// the generator's), no review, weight 1. The judge's stored scores are carried on a copy of the source's
    /// filter decision so <see cref="StoredJudge"/> can read them; it is replaced by the replay's own decision.
    /// </summary>
    private static SampleDocument RawGeneration(SampleDocument original, string replayId, string replayJobId)
    {
        var content = SampleJson.FromJson<SampleContent>(SampleJson.ToJson(original.Content));
        if (original.LabelHistory.Count > 0)
        {
            content.Label = original.LabelHistory[0].To;
        }

        var sample = new SampleDocument
        {
            Id = replayId,
            JobId = replayJobId,
            TaskType = original.TaskType,
            State = SampleState.Generated,
            Content = content,
            Provenance = original.Provenance,
            LabelHistory = [.. original.LabelHistory.Take(1)],
            Decisions = [.. original.Decisions.Where(d => d.Stage == Stage.Filter).TakeLast(1)],
            TraceId = original.TraceId,
            CreatedAt = original.CreatedAt,
            UpdatedAt = original.UpdatedAt,
        };
        return sample;
    }
}
