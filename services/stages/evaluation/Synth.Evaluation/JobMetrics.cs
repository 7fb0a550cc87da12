using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Evaluation;

/// <summary>
/// A job's direct metrics over the samples added so far, kept current one sample at a time: diversity, label balance,
/// coverage of every condition (all values seen, expected or not), and nearest-neighbour novelty overall and per
/// condition value. The evaluator stage keeps one per job; a report builds one over the stored samples — the same
/// code, so the streamed figures and a full recomputation agree by construction for the same samples.
/// </summary>
public sealed class JobMetrics
{
    private readonly DiversityAccumulator _diversity = new();
    private readonly LabelBalance? _labels;
    private readonly ConditionCoverage? _coverage;
    private readonly NoveltyTracker? _novelty;
    private readonly LeaderClustering? _clusters;
    private readonly int _timelineEvery;
    private readonly Dictionary<string, Dictionary<string, long>> _conditionCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, (double Sum, long Count)>> _conditionNovelty = new(StringComparer.Ordinal);
    private readonly List<DiversityPoint> _timeline = [];
    private double _noveltySum;
    private long _noveltyCount;

    /// <param name="timelineEvery">A diversity-over-time point is taken every this many samples.</param>
    public JobMetrics(JobSpec spec, int timelineEvery = 50, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(timelineEvery, 1);
        _timelineEvery = timelineEvery;
        if (spec.Task.Type == TaskType.TextClassification)
        {
            _labels = new LabelBalance(spec.Task.Labels.Select(l => l.Name));
        }

        var targets = CoverageTargets.Of(spec);
        _coverage = targets.Count > 0 ? new ConditionCoverage(targets) : null;
        _novelty = spec.Evaluation.Embeddings ? new NoveltyTracker(spec.Evaluation.NoveltyReservoir, random ?? new Random(spec.Generation.Seed)) : null;
        _clusters = spec.Evaluation.Embeddings ? new LeaderClustering(spec.Evaluation.ClusterSimilarity) : null;
    }

    public long Samples { get; private set; }

    /// <summary>Whether <see cref="Add"/> expects an embedding of each sample (the job measures embedding metrics).</summary>
    public bool UsesEmbeddings => _novelty is not null;

    /// <returns>The sample's novelty, or null without embeddings.</returns>
    public double? Add(SampleDocument sample, ReadOnlyMemory<float>? embedding)
    {
        ArgumentNullException.ThrowIfNull(sample);
        double? novelty = null;
        if (_novelty is not null)
        {
            if (embedding is not { } vector)
            {
                throw new ArgumentException("This job measures novelty: pass the sample's embedding.", nameof(embedding));
            }

            novelty = _novelty.Add(vector);
            _clusters!.Add(vector);
        }

        AddCounted(sample, novelty);
        return novelty;
    }

    /// <summary>
    /// Counts a sample whose novelty was measured earlier (stored on its decision; null if it was not) without
    /// measuring it again — how a restarted evaluator instance rebuilds its counts, and how a report recomputes them,
    /// from the store. Novelty measured after a restart is against samples seen since then, and the cluster count is over
    /// the samples added with an embedding (a report clusters the stored samples itself).
    /// </summary>
    public void Restore(SampleDocument sample, double? storedNovelty)
    {
        ArgumentNullException.ThrowIfNull(sample);
        AddCounted(sample, storedNovelty);
    }

    private void AddCounted(SampleDocument sample, double? novelty)
    {
        Samples++;
        _diversity.Add(SampleText.Of(sample.Content));
        if (_labels is not null && sample.Content.Label is { } label)
        {
            _labels.Add(label);
        }

        _coverage?.Add(sample.Provenance.Conditions);
        foreach (var (dimension, value) in sample.Provenance.Conditions)
        {
            var counts = Inner(_conditionCounts, dimension);
            counts[value] = counts.GetValueOrDefault(value) + 1;
            if (novelty is { } n)
            {
                var sums = Inner(_conditionNovelty, dimension);
                var (sum, count) = sums.GetValueOrDefault(value);
                sums[value] = (sum + n, count + 1);
            }
        }

        if (novelty is { } measured)
        {
            _noveltySum += measured;
            _noveltyCount++;
        }

        if (Samples % _timelineEvery == 0)
        {
            _timeline.Add(Point());
        }
    }

    private DiversityPoint Point()
    {
        var diversity = _diversity.Snapshot();
        return new DiversityPoint(Samples, diversity.VocabularySize, diversity.DistinctN[0], diversity.DistinctN.Count > 1 ? diversity.DistinctN[1] : 0, MeanNovelty);
    }

    private double? MeanNovelty => _noveltyCount == 0 ? null : _noveltySum / _noveltyCount;

    public JobMetricsSnapshot Snapshot()
    {
        // The series always ends at the current count, so a chart shows where the job stands now.
        var timeline = _timeline.Count > 0 && _timeline[^1].Samples == Samples ? [.. _timeline] : _timeline.Append(Point()).ToList();
        return new JobMetricsSnapshot(
            Samples,
            _diversity.Snapshot(),
            _labels?.Snapshot(),
            _coverage?.Snapshot() ?? [],
            _conditionCounts.ToDictionary(d => d.Key, d => (IReadOnlyDictionary<string, long>)new Dictionary<string, long>(d.Value, StringComparer.Ordinal), StringComparer.Ordinal),
            _conditionNovelty.ToDictionary(
                d => d.Key,
                d => (IReadOnlyDictionary<string, double>)d.Value.ToDictionary(v => v.Key, v => v.Value.Sum / v.Value.Count, StringComparer.Ordinal),
                StringComparer.Ordinal),
            MeanNovelty,
            timeline,
            _clusters?.Snapshot());
    }

    /// <summary>Heat-map cells of two condition dimensions (empty when either is not a target dimension).</summary>
    public IReadOnlyDictionary<(string First, string Second), long> Pairs(string first, string second) =>
        _coverage?.Pairs(first, second) ?? new Dictionary<(string, string), long>();

    private static Dictionary<string, T> Inner<T>(Dictionary<string, Dictionary<string, T>> outer, string key)
    {
        if (!outer.TryGetValue(key, out var inner))
        {
            outer[key] = inner = new Dictionary<string, T>(StringComparer.Ordinal);
        }

        return inner;
    }
}
