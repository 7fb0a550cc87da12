using System.Globalization;
using Synth.Curation.Text;

namespace Synth.Curation.Filters;

/// <summary>
/// Task relevance calibrated on real data rather than an absolute cosine (which depends on the embedding model and on
/// text length). A sample is off-task when its score is an outlier below the reference's own scores
/// (<see cref="RelevanceCalibration.Fence"/>). The reference and the score are
///   - the support set, when it has at least <see cref="RelevanceCalibration.MinSupport"/> records: the score is the
///     local density, the mean cosine to the <see cref="RelevanceCalibration.Neighbours"/> nearest records (each record
///     scored against the others, leave-one-out, for a fixed fence). A support set holds no off-task text, so an
///     off-task sample finds no close neighbours; on real text this separates better than the centroid (docs/quality.md);
///   - else the job's running distribution, the last <see cref="RelevanceCalibration.Window"/> samples: the score is
///     the cosine to their centroid. Not the density: off-task text that recurs in the stream would be its own close
///     neighbours, while the centroid follows the majority. Until <see cref="RelevanceCalibration.WarmUp"/> samples
///     are in, the score is recorded and nothing is rejected.
/// A passing sample below <see cref="RelevanceCalibration.EscalateBelow"/>'s quantile of the same reference scores is
/// marked <see cref="FilterResult.Doubtful"/>: no score here separates off-task text well enough at the fence
/// (docs/quality.md), so the stage asks the model about it.
/// Thread-safe: one instance serves a job's concurrent samples.
/// </summary>
public sealed class CalibratedRelevanceFilter : ISampleFilter
{
    private readonly RelevanceCalibration calibration;
    private readonly object gate = new();
    private readonly Queue<float[]> window = new();
    private readonly Queue<double> scores = new();
    private readonly IReadOnlyList<float[]>? support;
    private double[]? sum;
    private double? fence;
    private double? escalation;

    /// <param name="support">Embeddings of the support set's records; empty when the job has none.</param>
    public CalibratedRelevanceFilter(RelevanceCalibration calibration, IReadOnlyList<ReadOnlyMemory<float>> support)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(calibration.Deviations);
        ArgumentOutOfRangeException.ThrowIfLessThan(calibration.WarmUp, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(calibration.Window, calibration.WarmUp);
        ArgumentOutOfRangeException.ThrowIfLessThan(calibration.MinSupport, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(calibration.Neighbours);
        this.calibration = calibration;
        if (support.Count >= calibration.MinSupport)
        {
            var records = support.Select(record => record.ToArray()).ToList();
            // Leave-one-out: a record is not its own neighbour.
            double[] own = [.. records.Select((record, i) => Density(record, records.Where((_, j) => j != i)))];
            fence = calibration.Fence(own);
            escalation = calibration.EscalationFence(own);
            this.support = records;
            ReferenceSize = records.Count;
        }
    }

    public string Name => "relevance";

    /// <summary>"support set" or "running": what the fence is calibrated on.</summary>
    public string Reference => support is null ? "running" : "support set";

    /// <summary>Samples (or support records) the current fence is calibrated on.</summary>
    public int ReferenceSize { get; private set; }

    public FilterResult Evaluate(FilterSample sample)
    {
        if (sample.Embedding.IsEmpty)
        {
            return new FilterResult(Name, 0, 0, "relevance not measured: the sample has no embedding");
        }

        lock (gate)
        {
            var embedding = sample.Embedding.ToArray();
            if (support is null && window.Count == 0)
            {
                // The first sample of a running reference has nothing to be compared with.
                Observe(embedding, null);
                return new FilterResult(Name, 1, 0, "relevance: the first sample starts the job's running reference") { Doubtful = calibration.EscalateBelow is not null };
            }

            var count = support?.Count ?? window.Count;
            var score = Math.Clamp(support is null ? VectorMath.Cosine(embedding, Centroid()) : Density(embedding, support), 0, 1);
            var current = fence;
            var doubtful = score < (support is null ? calibration.EscalationFence(scores) : escalation);
            var size = ReferenceSize;
            if (support is null)
            {
                Observe(embedding, score);
            }

            if (current is not { } bar)
            {
                return new FilterResult(Name, score, 0, Invariant($"relevance {score:0.###} to the job's first {count} samples; recorded, not judged until {calibration.WarmUp} samples calibrate it")) { Doubtful = doubtful };
            }

            var threshold = Math.Max(0, bar);
            var comparison = score < threshold ? "below" : "at or above";
            return new FilterResult(Name, score, threshold,
                Invariant($"relevance {score:0.###} {comparison} {threshold:0.###}, the outlier fence of {size} {(support is null ? "recent samples" : "support records")} (median − {calibration.Deviations:0.#} robust SD)")) { Doubtful = doubtful && score >= threshold };
        }
    }

    private void Observe(float[] embedding, double? score)
    {
        sum ??= new double[embedding.Length];
        Add(sum, embedding, 1);
        window.Enqueue(embedding);
        if (window.Count > calibration.Window)
        {
            Add(sum, window.Dequeue(), -1);
        }

        if (score is { } value)
        {
            scores.Enqueue(value);
            if (scores.Count > calibration.Window)
            {
                scores.Dequeue();
            }
        }

        if (scores.Count >= calibration.WarmUp)
        {
            fence = calibration.Fence(scores);
            ReferenceSize = scores.Count;
        }
    }

    private float[] Centroid()
    {
        var centroid = new float[sum!.Length];
        for (var i = 0; i < centroid.Length; i++)
        {
            centroid[i] = (float)(sum[i] / window.Count);
        }

        return centroid;
    }

    private static void Add(double[] total, float[] vector, int sign)
    {
        if (vector.Length != total.Length)
        {
            throw new ArgumentException($"Embedding lengths differ: {vector.Length} and {total.Length}.");
        }

        for (var i = 0; i < total.Length; i++)
        {
            total[i] += sign * vector[i];
        }
    }

    /// <summary>The mean cosine of <paramref name="embedding"/> to its nearest <see cref="RelevanceCalibration.Neighbours"/> of <paramref name="reference"/>.</summary>
    private double Density(float[] embedding, IEnumerable<float[]> reference)
    {
        var nearest = new PriorityQueue<double, double>(calibration.Neighbours + 1);
        foreach (var other in reference)
        {
            var cosine = VectorMath.Cosine(embedding, other);
            nearest.Enqueue(cosine, cosine);
            if (nearest.Count > calibration.Neighbours)
            {
                nearest.Dequeue();
            }
        }

        return nearest.UnorderedItems.Average(item => item.Element);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
