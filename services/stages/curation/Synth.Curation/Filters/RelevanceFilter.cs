using Synth.Curation.Text;

namespace Synth.Curation.Filters;

/// <summary>
/// Task relevance from precomputed embeddings: relevance = w · cos(sample, task) + (1 − w) · mean over condition
/// values of cos(sample, value), with w = <paramref name="taskWeight"/>; w = 1 when the sample has no condition
/// embeddings. Cosine can be negative, so the score is clamped to [0, 1]. A sample with no embedding fails.
/// </summary>
public sealed class RelevanceFilter : ISampleFilter
{
    private readonly ReadOnlyMemory<float> taskEmbedding;
    private readonly double minRelevance;
    private readonly double taskWeight;

    /// <param name="taskEmbedding">Embedding of the task description (purpose and data description).</param>
    public RelevanceFilter(ReadOnlyMemory<float> taskEmbedding, double minRelevance, double taskWeight = 0.5)
    {
        if (taskEmbedding.IsEmpty)
        {
            throw new ArgumentException("The task embedding must not be empty.", nameof(taskEmbedding));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(taskWeight, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(taskWeight, 1);
        this.taskEmbedding = taskEmbedding;
        this.minRelevance = minRelevance;
        this.taskWeight = taskWeight;
    }

    public string Name => "relevance";

    public FilterResult Evaluate(FilterSample sample)
    {
        if (sample.Embedding.IsEmpty)
        {
            return new FilterResult(Name, 0, minRelevance, "the sample has no embedding");
        }

        var toTask = VectorMath.Cosine(sample.Embedding.Span, taskEmbedding.Span);
        var relevance = toTask;
        var detail = $"task cosine {toTask:0.###}";
        if (sample.ConditionEmbeddings.Count > 0)
        {
            var toConditions = sample.ConditionEmbeddings.Average(condition => VectorMath.Cosine(sample.Embedding.Span, condition.Span));
            relevance = taskWeight * toTask + (1 - taskWeight) * toConditions;
            detail += $", condition cosine {toConditions:0.###}";
        }

        var score = Math.Clamp(relevance, 0, 1);
        var comparison = score < minRelevance ? "below" : "at or above";
        return new FilterResult(Name, score, minRelevance, $"relevance {score:0.###} ({detail}) {comparison} {minRelevance:0.###}");
    }
}
