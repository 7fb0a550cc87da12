using System.Globalization;
using Synth.Curation.Text;

namespace Synth.Curation.Filters;

/// <summary>
/// Task relevance calibrated on real data rather than an absolute cosine (which depends on the embedding model and on
/// text length). A sample's score is the cosine of its embedding to the reference centroid; it is off-task when the
/// score is an outlier below the reference's own scores (<see cref="RelevanceCalibration.Fence"/>). The reference is
///   - the support set, when it has at least <see cref="RelevanceCalibration.MinSupport"/> records: each record scored
///     against the centroid of the others (leave-one-out), a fixed fence; else
///   - the job's running distribution: the last <see cref="RelevanceCalibration.Window"/> samples' embeddings and
///     scores, each scored against the centroid of the samples before it. Until
///     <see cref="RelevanceCalibration.WarmUp"/> samples are in, the score is recorded and nothing is rejected.
/// Thread-safe: one instance serves a job's concurrent samples.
/// </summary>
public sealed class CalibratedRelevanceFilter : ISampleFilter
{
    private readonly RelevanceCalibration calibration;
    private readonly object gate = new();
    private readonly Queue<float[]> window = new();
    private readonly Queue<double> scores = new();
    private readonly double? supportFence;
    private double[]? sum;
    private double? fence;

    /// <param name="support">Embeddings of the support set's records; empty when the job has none.</param>
    public CalibratedRelevanceFilter(RelevanceCalibration calibration, IReadOnlyList<ReadOnlyMemory<float>> support)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(calibration.Deviations);
        ArgumentOutOfRangeException.ThrowIfLessThan(calibration.WarmUp, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(calibration.Window, calibration.WarmUp);
        ArgumentOutOfRangeException.ThrowIfLessThan(calibration.MinSupport, 2);
        this.calibration = calibration;
        if (support.Count >= calibration.MinSupport)
        {
            sum = Sum(support);
            var n = support.Count;
            // Leave-one-out: a record is not compared with a centroid it is part of.
            supportFence = calibration.Fence([.. support.Select(record => Cosine(record.Span, Centroid(sum, record.Span, n - 1)))]);
            fence = supportFence;
            ReferenceSize = n;
        }
    }

    public string Name => "relevance";

    /// <summary>"support set" or "running": what the fence is calibrated on.</summary>
    public string Reference => supportFence is null ? "running" : "support set";

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
            if (sum is null)
            {
                // The first sample of a running reference has nothing to be compared with.
                Observe(sample.Embedding.Span, null);
                return new FilterResult(Name, 1, 0, "relevance: the first sample starts the job's running reference");
            }

            var count = supportFence is null ? window.Count : ReferenceSize;
            var score = Math.Clamp(Cosine(sample.Embedding.Span, Centroid(sum, default, count)), 0, 1);
            var current = fence;
            var size = ReferenceSize;
            if (supportFence is null)
            {
                Observe(sample.Embedding.Span, score);
            }

            if (current is not { } bar)
            {
                return new FilterResult(Name, score, 0, Invariant($"relevance {score:0.###} to the job's first {count} samples; recorded, not judged until {calibration.WarmUp} samples calibrate it"));
            }

            var threshold = Math.Max(0, bar);
            var comparison = score < threshold ? "below" : "at or above";
            return new FilterResult(Name, score, threshold,
                Invariant($"relevance {score:0.###} {comparison} {threshold:0.###}, the outlier fence of {size} {(supportFence is null ? "recent samples" : "support records")} (median − {calibration.Deviations:0.#} robust SD)"));
        }
    }

    private void Observe(ReadOnlySpan<float> embedding, double? score)
    {
        var copy = embedding.ToArray();
        sum ??= new double[copy.Length];
        Add(sum, copy, 1);
        window.Enqueue(copy);
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

    private static double[] Sum(IReadOnlyList<ReadOnlyMemory<float>> vectors)
    {
        var total = new double[vectors[0].Length];
        foreach (var vector in vectors)
        {
            Add(total, vector.Span, 1);
        }

        return total;
    }

    private static void Add(double[] total, ReadOnlySpan<float> vector, int sign)
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

    /// <summary>Mean of the summed vectors, leaving <paramref name="without"/> out when given.</summary>
    private static float[] Centroid(double[] total, ReadOnlySpan<float> without, int count)
    {
        var centroid = new float[total.Length];
        for (var i = 0; i < total.Length; i++)
        {
            centroid[i] = (float)((total[i] - (without.IsEmpty ? 0 : without[i])) / count);
        }

        return centroid;
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => VectorMath.Cosine(a, b);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
