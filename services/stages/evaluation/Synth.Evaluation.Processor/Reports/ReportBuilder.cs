using Microsoft.Extensions.AI;
using Synth.Contracts.Jobs;
using Synth.Contracts.Json;
using Synth.Contracts.Samples;
using Synth.Datasets;
using Synth.Evaluation;
using Synth.Evaluation.Processor.Downstream;
using Synth.Llm;
using Synth.Store;

namespace Synth.Evaluation.Processor.Reports;

/// <summary>
/// Builds a job's report from the store: one streaming pass over the job's samples for every count and metric (so a
/// job of millions never sits in memory), and — when the job measures embeddings — a second pass that fetches only the
/// samples the sampled similarity pairs name, so at most twice the pair count are embedded.
/// </summary>
/// <param name="clients">Builds the faithfulness judge's model client (a default factory when null).</param>
public sealed class ReportBuilder(ISampleStore store, TimeProvider time, IEmbeddingGenerator<string, Embedding<float>>? embedder = null, ChatClientFactory? clients = null)
{
    private const int PageSize = 500;
    private const int EmbeddingBatch = 64;
    private const int MaxReasons = 12;

    /// <summary>At most this many curated and this many real samples are embedded for the distance between them (it is quadratic).</summary>
    public const int MaxCompared = 1000;

    /// <summary>At most this many curated samples (a seeded uniform sample, in generation order) are clustered for the report.</summary>
    public const int MaxClustered = 5000;

    /// <summary>Judge calls in flight at once while measuring faithfulness.</summary>
    private const int JudgeConcurrency = 4;

    /// <summary>The samples a report and an export call curated: past the filter and the label refiner.</summary>
    public static readonly IReadOnlyList<SampleState> CuratedStates = [SampleState.Refined, SampleState.Evaluated];

    public async Task<JobReport> BuildAsync(string jobId, JobSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var metrics = new JobMetrics(spec, timelineEvery: TimelineStep(spec.Generation.Target));
        var reasons = new Dictionary<string, long>(StringComparer.Ordinal);
        var labelChanges = new Dictionary<string, long>(StringComparer.Ordinal);
        var reviews = new Dictionary<string, long>(StringComparer.Ordinal);
        long promptTokens = 0, completionTokens = 0, reviewed = 0, reviewerAgreed = 0, humanJudged = 0, humanAgreed = 0;
        decimal cost = 0;
        double weightSum = 0, weightMin = double.PositiveInfinity, weightMax = double.NegativeInfinity;

        await foreach (var sample in store.ReadSamplesAsync(new SampleQuery { JobId = jobId, Limit = PageSize }, cancellationToken).ConfigureAwait(false))
        {
            promptTokens += sample.Provenance.Usage.PromptTokens;
            completionTokens += sample.Provenance.Usage.CompletionTokens;
            cost += sample.Provenance.CostUsd;
            foreach (var change in sample.LabelHistory.Where(c => c.Method != LabelMethod.Generator))
            {
                var method = EnumSpelling.Of(change.Method);
                labelChanges[method] = labelChanges.GetValueOrDefault(method) + 1;
            }

            if (sample.Review is { } review)
            {
                var status = review.Status.ToString().ToLowerInvariant();
                reviews[status] = reviews.GetValueOrDefault(status) + 1;
                var generated = sample.LabelHistory.FirstOrDefault(c => c.Method == LabelMethod.Generator)?.To;
                if (review is { Status: ReviewStatus.Labelled, Label: { } reviewerLabel } && generated is not null)
                {
                    reviewed++;
                    reviewerAgreed += reviewerLabel == generated ? 1 : 0;
                }
            }

            if (sample.State == SampleState.Rejected)
            {
                var reason = ReasonKey(sample.Decisions.LastOrDefault(d => d.Stage == Stage.Filter)?.Reason);
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }
            else if (CuratedStates.Contains(sample.State))
            {
                // Novelty is the evaluator's, as stored on its decision: measuring it again would depend on order.
                var scores = sample.Decisions.LastOrDefault(d => d.Stage == Stage.Evaluator)?.Scores;
                metrics.Restore(sample, scores is not null && scores.TryGetValue("novelty", out var novelty) ? novelty : null);
                weightSum += sample.Weight;
                weightMin = Math.Min(weightMin, sample.Weight);
                weightMax = Math.Max(weightMax, sample.Weight);
                if (Faithfulness.HumanVerdict(sample) is { } agreed)
                {
                    humanJudged++;
                    humanAgreed += agreed ? 1 : 0;
                }
            }
        }

        // Before the counts, so the failures of its judge calls are among them.
        var faithfulness = spec.Evaluation.Faithfulness.Enabled
            ? await FaithfulnessAsync(jobId, spec, metrics.Samples - humanJudged, humanAgreed, humanJudged, cancellationToken).ConfigureAwait(false)
            : null;

        var counts = await store.CountAsync(jobId, cancellationToken).ConfigureAwait(false);
        var job = await store.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        var snapshot = metrics.Snapshot();
        var similarity = spec.Evaluation.Embeddings && snapshot.Samples > 1
            ? await SimilarityAsync(jobId, (int)snapshot.Samples, spec, cancellationToken).ConfigureAwait(false)
            : null;
        var clusters = spec.Evaluation.Embeddings && snapshot.Samples > 0
            ? await ClustersAsync(jobId, (int)snapshot.Samples, spec, cancellationToken).ConfigureAwait(false)
            : null;
        var targets = CoverageTargets.Of(spec);
        var indirect = spec.Evaluation.Indirect is { } indirectSpec && snapshot.Samples > 0
            ? await IndirectAsync(jobId, indirectSpec, cancellationToken).ConfigureAwait(false)
            : null;
        var real = spec.Demonstrations.SupportSet is { } supportSet
            ? await CompareWithRealAsync(jobId, (int)snapshot.Samples, supportSet, spec, cancellationToken).ConfigureAwait(false)
            : null;

        return new JobReport
        {
            JobId = jobId,
            JobName = spec.Name,
            TaskType = Kebab(spec.Task.Type.ToString()),
            JobState = job?.State.ToString().ToLowerInvariant(),
            CreatedAt = time.GetUtcNow(),
            Counts = new ReportCounts(
                spec.Generation.Target,
                counts.Samples.ToDictionary(s => s.Key.ToString().ToLowerInvariant(), s => s.Value, StringComparer.Ordinal),
                counts.RequestsSucceeded,
                counts.RequestsFailed,
                counts.Failures,
                promptTokens,
                completionTokens,
                cost),
            Curated = new CuratedMetrics(
                snapshot.Samples,
                snapshot.Diversity,
                snapshot.Labels,
                [.. snapshot.Coverage.Select(c => new CoverageRow(c.Dimension, c.Coverage, c.Deviation, c.Counts, Shares(targets[c.Dimension])))],
                HeatMapOf(metrics, targets),
                snapshot.Timeline,
                similarity,
                snapshot.MeanNovelty,
                snapshot.Samples == 0 ? new WeightSummary(0, 0, 0, 0) : new WeightSummary(weightMin, weightSum / snapshot.Samples, weightMax, weightSum),
                clusters),
            RejectReasons = TopReasons(reasons),
            LabelChanges = labelChanges,
            Reviews = reviews,
            HumanAgreement = reviewed == 0 ? null : ProportionEstimate.Wilson(reviewerAgreed, reviewed),
            Indirect = indirect,
            Real = real,
            Faithfulness = faithfulness,
        };
    }

    /// <summary>Trains the downstream classifier on the curated samples (with their weights) and scores it on the benchmark.</summary>
    /// <exception cref="BenchmarkDataException">The benchmark's data is missing or malformed (the message says how to fix it).</exception>
    private async Task<DownstreamResult> IndirectAsync(string jobId, IndirectSpec indirect, CancellationToken cancellationToken)
    {
        var benchmark = indirect.Benchmark switch
        {
            BenchmarkKind.UciSentiment => Benchmarks.UciSentiment(indirect.DataFolder, indirect.TestSource),
            BenchmarkKind.SpamAssassin => Benchmarks.SpamAssassin(indirect.DataFolder, indirect.TestFraction, indirect.Seed),
            _ => Benchmarks.UserFile(indirect.File!, indirect.TextField, indirect.LabelField, indirect.TestFraction, indirect.Seed),
        };
        var synthetic = new List<LabelledText>();
        await foreach (var sample in store.ReadSamplesAsync(new SampleQuery { JobId = jobId, States = CuratedStates, Limit = PageSize }, cancellationToken).ConfigureAwait(false))
        {
            if (sample.Content is { Text: { } text, Label: { } label })
            {
                synthetic.Add(new LabelledText(text, label, sample.Weight));
            }
        }

        return DownstreamEvaluation.Run(benchmark.Name, synthetic, benchmark.Train, benchmark.Test, indirect.LearningCurve, indirect.Seed);
    }

    /// <summary>
    /// Judges a seeded random sample of the curated samples no human labelled, sized for the spec's margin of error;
    /// every call ends as a verdict or as a failure stored in the job's failures (and counted in the result).
    /// </summary>
    private async Task<FaithfulnessResult> FaithfulnessAsync(string jobId, JobSpec spec, long population, long humanAgreed, long humanJudged, CancellationToken cancellationToken)
    {
        var faithfulness = spec.Evaluation.Faithfulness;
        var size = Evaluation.Faithfulness.SampleSize(faithfulness.MarginOfError, faithfulness.Confidence, population, faithfulness.MaxJudgements);
        var drawn = new HashSet<long>(Evaluation.Faithfulness.Draw(population, size, jobId));
        var chosen = new List<SampleDocument>(drawn.Count);
        long unreviewed = 0;
        await foreach (var sample in store.ReadSamplesAsync(new SampleQuery { JobId = jobId, States = CuratedStates, Limit = PageSize }, cancellationToken).ConfigureAwait(false))
        {
            if (Evaluation.Faithfulness.HumanVerdict(sample) is null && drawn.Contains(unreviewed++))
            {
                chosen.Add(sample);
            }
        }

        using var judge = new JudgeConnection(spec, faithfulness.Model, clients ?? new ChatClientFactory(), time: time);
        long faithful = 0, judged = 0, failures = 0;
        await Parallel.ForEachAsync(chosen, new ParallelOptions { MaxDegreeOfParallelism = JudgeConcurrency, CancellationToken = cancellationToken }, async (sample, token) =>
        {
            var (answer, failure) = await judge.AskAsync(Evaluation.Faithfulness.Prompt(spec.Task, sample.Content, faithfulness.Prompt), token).ConfigureAwait(false);
            var (verdict, problem) = failure is null ? Evaluation.Faithfulness.ParseVerdict(answer) : (null, failure);
            if (verdict is { } isFaithful)
            {
                Interlocked.Increment(ref judged);
                if (isFaithful)
                {
                    Interlocked.Increment(ref faithful);
                }

                return;
            }

            Interlocked.Increment(ref failures);
            await store.SaveFailureAsync(new FailureDocument
            {
                Id = $"{FaithfulnessFailurePrefix}{sample.Id}",
                JobId = jobId,
                Stage = Stage.Evaluator,
                SampleId = sample.Id,
                Error = $"faithfulness judge: {problem}",
                At = time.GetUtcNow(),
            }, token).ConfigureAwait(false);
        }).ConfigureAwait(false);

        return Evaluation.Faithfulness.Combine(faithful, judged, humanAgreed, humanJudged, failures, faithfulness.Confidence, population, size, judge.Model);
    }

    /// <summary>Id prefix of the failures of faithfulness judge calls ("evaluator:faithfulness:{sampleId}").</summary>
    public const string FaithfulnessFailurePrefix = "evaluator:faithfulness:";

    /// <summary>
    /// The support set's direct metrics over all its records; with embeddings, its mean pairwise similarity and the
    /// distance of up to <see cref="MaxCompared"/> curated samples (a seeded uniform sample) from up to as many real ones.
    /// </summary>
    /// <exception cref="DatasetException">The support set cannot be read (the message names the file, line and field).</exception>
    private async Task<RealDataComparison> CompareWithRealAsync(string jobId, int curated, DatasetSpec supportSet, JobSpec spec, CancellationToken cancellationToken)
    {
        var records = DatasetReader.Read(supportSet);
        var labels = spec.Task.Type == TaskType.TextClassification ? spec.Task.Labels.Select(l => l.Name) : null;
        var metrics = TextSetMetrics.Of(records.Select(r => r.Content), labels);
        if (!spec.Evaluation.Embeddings || records.Count == 0)
        {
            return new RealDataComparison(Path.GetFileName(supportSet.Path), metrics.Samples, metrics.Diversity, metrics.Labels, null, null);
        }

        var random = new Random(spec.Generation.Seed);
        var realTexts = records.Select(r => SampleText.Of(r.Content)).ToArray();
        random.Shuffle(realTexts);
        var realEmbeddings = await EmbedAsync(realTexts.Take(MaxCompared), cancellationToken).ConfigureAwait(false);
        var similarity = realEmbeddings.Count > 1
            ? PairwiseSimilarity.Estimate(realEmbeddings, spec.Evaluation.SimilarityHalfWidth, spec.Evaluation.SimilarityConfidence, random)
            : null;

        var order = Enumerable.Range(0, curated).ToArray();
        random.Shuffle(order);
        var wanted = new HashSet<int>(order.Take(MaxCompared));
        var syntheticTexts = new List<string>(wanted.Count);
        var index = 0;
        await foreach (var sample in store.ReadSamplesAsync(new SampleQuery { JobId = jobId, States = CuratedStates, Limit = PageSize }, cancellationToken).ConfigureAwait(false))
        {
            if (wanted.Contains(index++))
            {
                syntheticTexts.Add(SampleText.Of(sample.Content));
            }
        }

        var distance = syntheticTexts.Count == 0
            ? null
            : EmbeddingDistributions.Compare(await EmbedAsync(syntheticTexts, cancellationToken).ConfigureAwait(false), realEmbeddings);
        return new RealDataComparison(Path.GetFileName(supportSet.Path), metrics.Samples, metrics.Diversity, metrics.Labels, similarity, distance);
    }

    /// <summary>
    /// Leader clusters of the curated samples in generation order — the order the evaluator stage saw them in, so a
    /// single evaluator's streamed count equals this one for jobs of up to <see cref="MaxClustered"/> samples.
    /// </summary>
    private async Task<EmbeddingClusterCount> ClustersAsync(string jobId, int curated, JobSpec spec, CancellationToken cancellationToken)
    {
        HashSet<int>? wanted = null;
        if (curated > MaxClustered)
        {
            var order = Enumerable.Range(0, curated).ToArray();
            new Random(spec.Generation.Seed).Shuffle(order);
            wanted = [.. order.Take(MaxClustered)];
        }

        var texts = new List<string>();
        var index = 0;
        await foreach (var sample in store.ReadSamplesAsync(new SampleQuery { JobId = jobId, States = CuratedStates, Limit = PageSize }, cancellationToken).ConfigureAwait(false))
        {
            if (wanted is null || wanted.Contains(index))
            {
                texts.Add(SampleText.Of(sample.Content));
            }

            index++;
        }

        return LeaderClustering.CountOf(await EmbedAsync(texts, cancellationToken).ConfigureAwait(false), spec.Evaluation.ClusterSimilarity);
    }

    private async Task<List<ReadOnlyMemory<float>>> EmbedAsync(IEnumerable<string> texts, CancellationToken cancellationToken)
    {
        var generator = embedder ?? throw new InvalidOperationException("This job measures embeddings (evaluation.embeddings); the report needs an embedding model.");
        var embeddings = new List<ReadOnlyMemory<float>>();
        foreach (var batch in texts.Chunk(EmbeddingBatch))
        {
            var generated = await generator.GenerateAsync(batch, cancellationToken: cancellationToken).ConfigureAwait(false);
            embeddings.AddRange(generated.Select(g => g.Vector));
        }

        return embeddings;
    }

    private async Task<SimilarityEstimate> SimilarityAsync(string jobId, int count, JobSpec spec, CancellationToken cancellationToken)
    {
        var evaluation = spec.Evaluation;
        var pairs = PairwiseSimilarity.SamplePairs(count, evaluation.SimilarityHalfWidth, evaluation.SimilarityConfidence, new Random(spec.Generation.Seed));
        var wanted = pairs is null ? null : new HashSet<int>(pairs.SelectMany(p => new[] { p.First, p.Second }));
        var texts = new Dictionary<int, string>();
        var index = 0;
        await foreach (var sample in store.ReadSamplesAsync(new SampleQuery { JobId = jobId, States = CuratedStates, Limit = PageSize }, cancellationToken).ConfigureAwait(false))
        {
            if (wanted is null || wanted.Contains(index))
            {
                texts[index] = SampleText.Of(sample.Content);
            }

            index++;
        }

        var generator = embedder ?? throw new InvalidOperationException("This job measures embeddings (evaluation.embeddings); the report needs an embedding model.");
        var embeddings = new Dictionary<int, ReadOnlyMemory<float>>();
        foreach (var batch in texts.Chunk(EmbeddingBatch))
        {
            var generated = await generator.GenerateAsync(batch.Select(b => b.Value), cancellationToken: cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < batch.Length; i++)
            {
                embeddings[batch[i].Key] = generated[i].Vector;
            }
        }

        // Samples that changed state between the passes can shift indexes; a pair naming a missing one is skipped.
        if (pairs is null)
        {
            return PairwiseSimilarity.Exact([.. embeddings.OrderBy(e => e.Key).Select(e => e.Value)]);
        }

        var usable = pairs.Where(p => embeddings.ContainsKey(p.First) && embeddings.ContainsKey(p.Second)).ToList();
        return PairwiseSimilarity.MeanOver(usable, i => embeddings[i], evaluation.SimilarityConfidence);
    }

    private static HeatMap? HeatMapOf(JobMetrics metrics, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> targets)
    {
        if (targets.Count < 2)
        {
            return null;
        }

        var (first, second) = (targets.Keys.First(), targets.Keys.Skip(1).First());
        var cells = metrics.Pairs(first, second);
        var rows = targets[first].Keys.Union(cells.Keys.Select(c => c.First)).ToList();
        var columns = targets[second].Keys.Union(cells.Keys.Select(c => c.Second)).ToList();
        return new HeatMap(first, second, rows, columns,
            [.. rows.Select(r => (IReadOnlyList<long>)[.. columns.Select(c => cells.GetValueOrDefault((r, c)))])]);
    }

    private static Dictionary<string, double> Shares(IReadOnlyDictionary<string, double> weights)
    {
        var total = weights.Values.Sum();
        return weights.ToDictionary(w => w.Key, w => w.Value / total, StringComparer.Ordinal);
    }

    /// <summary>The reason's kind: the text before the first ':' (details after it would make every reason unique).</summary>
    private static string ReasonKey(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return "(no reason given)";
        }

        var colon = reason.IndexOf(':', StringComparison.Ordinal);
        return (colon > 0 ? reason[..colon] : reason).Trim();
    }

    private static Dictionary<string, long> TopReasons(Dictionary<string, long> reasons)
    {
        var ordered = reasons.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        var top = ordered.Take(MaxReasons).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        var rest = ordered.Skip(MaxReasons).Sum(r => r.Value);
        if (rest > 0)
        {
            top["(other reasons)"] = rest;
        }

        return top;
    }

    /// <summary>About 50 points of diversity over time, whatever the job's size.</summary>
    private static int TimelineStep(int target) => Math.Max(1, target / 50);

    private static string Kebab(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
