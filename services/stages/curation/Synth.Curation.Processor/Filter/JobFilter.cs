using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.AI;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Curation.Dedup;
using Synth.Datasets;
using Synth.Curation.Filters;
using Synth.Curation.Ranking;
using Synth.Curation.Text;
using Synth.Curation.Weighting;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Curation.Processor.Filter;

/// <summary>
/// One job's filter: the chain, relevance escalation (the model asked about doubtful samples), the judge,
/// rank-and-drop, dedup and re-weighting, in that order (docs/curation.md).
/// Every filter's score and threshold, the judge's criterion scores, the dedup similarity, the combined score and the
/// raw weight go into the verdict's scores; a reject's reason names the first failing check.
/// </summary>
public sealed class JobFilter
{
    public const string CombinedScore = "combined";
    public const string RankCutoff = "rank.cutoff";
    public const string DedupSimilarity = "dedup.similarity";
    public const string Novelty = "novelty";
    public const string RawWeight = "weight.raw";
    /// <summary>The model's answer to relevance escalation's on-task question: 1 yes, 0 no (absent when not asked or unanswered).</summary>
    public const string OnTaskScore = "on-task";
    private const int HistoryPageSize = 500;
    private static readonly SampleState[] Decided = [SampleState.Accepted, SampleState.Rejected, SampleState.Refined, SampleState.Evaluated];

    private readonly FilterSpec spec;
    private readonly FilterChain chain;
    private readonly JudgeFilter? judgeFilter;
    private readonly ISampleJudge? judge;
    private readonly IOnTaskCheck? onTask;
    private readonly StoreDedupIndex? dedup;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? embeddings;
    private readonly bool embedSamples;
    private readonly RankAndDrop? ranking;
    private readonly StreamingRankCutoff? cutoff;
    private readonly StreamingReweighter reweighter;
    private readonly IReadOnlyList<string> notes;
    private readonly ConcurrentDictionary<string, Task<ReadOnlyMemory<float>>> conditionEmbeddings = new(StringComparer.Ordinal);

    private JobFilter(FilterSpec spec, FilterChain chain, ISampleJudge? judge, IOnTaskCheck? onTask, StoreDedupIndex? dedup,
        IEmbeddingGenerator<string, Embedding<float>>? embeddings, bool embedSamples, IReadOnlyList<string> notes)
    {
        this.spec = spec;
        this.chain = chain;
        this.judge = judge;
        this.onTask = onTask;
        judgeFilter = judge is null ? null : new JudgeFilter(spec.Judge.MinScore, spec.Judge.Criteria);
        this.dedup = dedup;
        this.embeddings = embeddings;
        this.embedSamples = embedSamples;
        this.notes = notes;
        if (spec.Mode == FilterMode.RankAndDrop)
        {
            var names = chain.Filters.Select(f => f.Name).Concat(judgeFilter is null ? [] : [judgeFilter.Name]);
            ranking = new RankAndDrop(spec.RankAndDrop.Weights.Count > 0
                ? spec.RankAndDrop.Weights
                : names.ToDictionary(name => name, _ => 1.0, StringComparer.Ordinal));
            cutoff = new StreamingRankCutoff(spec.RankAndDrop.KeepFraction, spec.RankAndDrop.Window, spec.RankAndDrop.WarmUp);
        }

        reweighter = new StreamingReweighter(
            new WeightingOptions(JudgeConfidence: spec.Weighting.JudgeConfidence, LabelAgreement: 0, Novelty: spec.Weighting.Novelty, Floor: spec.Weighting.Floor),
            spec.Weighting.Window);
    }

    /// <param name="embeddings">The local embedding model; null when it could not be loaded (<paramref name="embeddingProblem"/> says why).</param>
    /// <param name="onTask">
    /// Relevance escalation's model; null when the job has none (<paramref name="onTaskProblem"/> says why): doubtful
    /// samples then keep their score and are not rejected. Not asked when the judge is on: it rates every passing sample.
    /// </param>
    /// <param name="history">The store to seed rank and weight history from; null starts cold (replay into a new job).</param>
    /// <exception cref="InvalidOperationException">The spec requires embeddings (relevance or semantic dedup set to true) and there are none.</exception>
    public static async Task<JobFilter> CreateAsync(
        PipelineJob job, IDedupStore dedupStore, IEmbeddingGenerator<string, Embedding<float>>? embeddings, string? embeddingProblem,
        ISampleJudge? judge, IOnTaskCheck? onTask, string? onTaskProblem, ISampleStore? history, CancellationToken cancellationToken)
    {
        var spec = job.Spec.Curation.Filter;
        var notes = new List<string>();
        if (embeddings is null)
        {
            foreach (var (required, field) in new[] { (spec.Relevance.Enabled, "curation.filter.relevance.enabled"), (spec.Dedup.Semantic, "curation.filter.dedup.semantic") })
            {
                if (required == true)
                {
                    throw new InvalidOperationException($"Job '{job.JobId}': {field} is true but the embedding model is not available: {embeddingProblem}");
                }
            }
        }

        var relevance = spec.Relevance.Enabled != false && embeddings is not null;
        var semantic = spec.Dedup.Semantic != false && embeddings is not null;
        if (embeddings is null && (spec.Relevance.Enabled is null || spec.Dedup.Semantic is null))
        {
            notes.Add($"relevance and semantic dedup off: the embedding model is not available ({embeddingProblem})");
        }

        ISampleFilter? relevanceFilter = null;
        var escalate = relevance && spec.Relevance.Escalate && spec.Relevance.MinRelevance is null && !spec.Judge.Enabled;
        if (escalate && onTask is null)
        {
            notes.Add($"relevance escalation off: no model to ask ({onTaskProblem ?? "none given"}); doubtful samples are not rejected");
        }

        escalate &= onTask is not null;
        if (relevance)
        {
            var taskEmbedding = spec.Relevance.MinRelevance is null
                ? ReadOnlyMemory<float>.Empty
                : await EmbedAsync(embeddings!, FilterChainBuilder.TaskDescription(job.Spec.Task), cancellationToken).ConfigureAwait(false);
            relevanceFilter = FilterChainBuilder.Relevance(spec.Relevance, taskEmbedding, await SupportEmbeddingsAsync(job, embeddings!, cancellationToken).ConfigureAwait(false), escalate);
        }

        var chain = FilterChainBuilder.Build(spec, job.Spec.Task, relevanceFilter);
        StoreDedupIndex? dedup = null;
        if (spec.Dedup.Exact || spec.Dedup.Near || semantic)
        {
            var options = new DedupOptions(spec.Dedup.ShingleSize, spec.Dedup.Bands, spec.Dedup.Rows, spec.Dedup.JaccardThreshold, semantic ? spec.Dedup.SemanticThreshold : null);
            var scope = spec.Dedup.Scope == DedupScope.Dataset ? StoreDedupIndex.DatasetScope(spec.Dedup.Dataset!) : StoreDedupIndex.JobScope(job.JobId);
            dedup = new StoreDedupIndex(dedupStore, scope, options, spec.Dedup.Exact, spec.Dedup.Near);
        }

        var filter = new JobFilter(spec, chain, spec.Judge.Enabled ? judge : null, escalate ? onTask : null, dedup, embeddings, relevance || semantic, notes);
        if (history is not null)
        {
            await filter.SeedAsync(history, job.JobId, cancellationToken).ConfigureAwait(false);
        }

        return filter;
    }

    public FilterChain Chain => chain;

    public async Task<StageVerdict> DecideAsync(SampleDocument sample, CancellationToken cancellationToken)
    {
        var text = ContentText.Of(sample.Content, sample.TaskType);
        var embedding = ReadOnlyMemory<float>.Empty;
        IReadOnlyList<ReadOnlyMemory<float>> conditions = [];
        if (embedSamples && text.Length > 0)
        {
            embedding = await EmbedAsync(embeddings!, text, cancellationToken).ConfigureAwait(false);
            conditions = await Task.WhenAll(sample.Provenance.Conditions.Values
                .Where(value => !string.IsNullOrWhiteSpace(value))
                .Order(StringComparer.Ordinal)
                .Select(value => conditionEmbeddings.GetOrAdd(value, v => EmbedAsync(embeddings!, v, CancellationToken.None)))).ConfigureAwait(false);
        }

        var filterSample = new FilterSample(sample.Id, sample.TaskType, sample.Content) { Embedding = embedding, ConditionEmbeddings = conditions };
        var results = chain.Evaluate(filterSample).Results.ToList();
        var remarks = new List<string>(notes);
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        double? judgeConfidence = null;
        if (onTask is not null && results.All(r => r.Passed) && results.FirstOrDefault(r => r.Doubtful) is { } doubtful)
        {
            var outcome = await onTask.AskAsync(sample, text, cancellationToken).ConfigureAwait(false);
            if (outcome.OnTask is { } answer)
            {
                results.Add(new FilterResult(OnTaskScore, answer ? 1 : 0, 1,
                    Invariant($"{outcome.Model} answered {(answer ? OnTaskPrompt.Yes : OnTaskPrompt.No)} to the on-task question, asked as relevance {doubtful.Score:0.###} is below the escalation fence (the {spec.Relevance.EscalateBelow:0.##} quantile)")));
            }
            else
            {
                remarks.Add($"relevance {outcome.Skipped}; not rejected on its score");
            }
        }

        if (judge is not null && judgeFilter is not null && results.All(r => r.Passed))
        {
            var outcome = await judge.AssessAsync(sample, sample.Content.Label is { } label ? $"{text}\nlabel: {label}" : text, cancellationToken).ConfigureAwait(false);
            if (outcome.Assessment is { } assessment)
            {
                var judged = judgeFilter.Evaluate(new FilterSample(sample.Id, sample.TaskType, sample.Content) { Judge = assessment });
                results.Add(judged);
                judgeConfidence = judged.Score;
                foreach (var (criterion, score) in assessment.Criteria)
                {
                    scores[StoredJudge.ScorePrefix + criterion] = score;
                }
            }
            else
            {
                remarks.Add(outcome.SkipReason ?? "judge skipped");
            }
        }

        var chainResult = new ChainResult(results);
        foreach (var result in results)
        {
            scores[result.Filter] = result.Score;
            scores[$"{result.Filter}.threshold"] = result.Threshold;
        }

        if (!chainResult.Passed)
        {
            return Reject(scores, chainResult.Reason!, remarks);
        }

        if (ranking is not null && cutoff is not null)
        {
            var combined = ranking.Combine(chainResult.Scores);
            var cut = cutoff.Decide(combined);
            scores[CombinedScore] = combined;
            if (cut.Cutoff is { } bar)
            {
                scores[RankCutoff] = bar;
            }

            if (!cut.Kept)
            {
                return Reject(scores, Invariant($"rank-and-drop: combined score {combined:0.###} is below the cut-off {cut.Cutoff:0.###} (best {spec.RankAndDrop.KeepFraction:P0} of the last {spec.RankAndDrop.Window})"), remarks);
            }
        }

        double? novelty = null;
        if (dedup is not null)
        {
            var check = await dedup.CheckAsync(new DedupEntry(sample.Id, text) { Embedding = embedding }, cancellationToken).ConfigureAwait(false);
            scores[DedupSimilarity] = check.HighestSimilarity;
            if (check.Decision.IsDuplicate)
            {
                return Reject(scores, $"dedup: {check.Decision.Reason}", remarks);
            }

            novelty = 1 - check.HighestSimilarity;
            scores[Novelty] = novelty.Value;
        }

        var weight = reweighter.Weigh(judgeConfidence, novelty);
        sample.Weight = weight.Weight;
        scores[RawWeight] = weight.Raw;
        var kept = Invariant($"passed {results.Count} filter(s){(dedup is null ? "" : " and dedup")}; weight {weight.Weight:0.###}");
        return new StageVerdict(SampleState.Accepted, scores, remarks.Count == 0 ? kept : $"{kept}; {string.Join("; ", remarks)}");
    }

    private static StageVerdict Reject(Dictionary<string, double> scores, string reason, List<string> remarks) =>
        new(SampleState.Rejected, scores, remarks.Count == 0 ? reason : $"{reason}; {string.Join("; ", remarks)}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The support set's records embedded, the calibration of relevance; empty when the job has none.</summary>
    private static async Task<IReadOnlyList<ReadOnlyMemory<float>>> SupportEmbeddingsAsync(
        PipelineJob job, IEmbeddingGenerator<string, Embedding<float>> generator, CancellationToken cancellationToken)
    {
        if (job.Spec.Demonstrations.SupportSet is not { } supportSet || job.Spec.Curation.Filter.Relevance.MinRelevance is not null)
        {
            return [];
        }

        var texts = DatasetReader.Read(supportSet).Select(record => ContentText.Of(record.Content, job.Spec.Task.Type)).Where(text => text.Length > 0).ToList();
        if (texts.Count == 0)
        {
            return [];
        }

        var generated = await generator.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. generated.Select(embedding => embedding.Vector)];
    }

    private static async Task<ReadOnlyMemory<float>> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> generator, string text, CancellationToken cancellationToken)
    {
        var generated = await generator.GenerateAsync([text], cancellationToken: cancellationToken).ConfigureAwait(false);
        return generated[0].Vector;
    }

    /// <summary>Rank and weight history from the job's already-decided samples, so a restarted or added instance does not start cold.</summary>
    private async Task SeedAsync(ISampleStore store, string jobId, CancellationToken cancellationToken)
    {
        var combined = new List<double>();
        var raws = new List<double>();
        string? after = null;
        do
        {
            var page = await store.QuerySamplesAsync(new SampleQuery { JobId = jobId, States = Decided, AfterId = after, Limit = HistoryPageSize }, cancellationToken).ConfigureAwait(false);
            foreach (var decision in page.Items.Select(s => s.Decisions.LastOrDefault(d => d.Stage == Stage.Filter)).OfType<StageDecision>())
            {
                if (decision.Scores.TryGetValue(CombinedScore, out var score))
                {
                    combined.Add(score);
                }

                if (decision.Scores.TryGetValue(RawWeight, out var raw))
                {
                    raws.Add(raw);
                }
            }

            after = page.NextAfterId;
        }
        while (after is not null && ((cutoff is not null && combined.Count < spec.RankAndDrop.Window) || raws.Count < spec.Weighting.Window));

        cutoff?.Seed(combined.TakeLast(spec.RankAndDrop.Window));
        reweighter.Seed(raws.TakeLast(spec.Weighting.Window));
    }
}
