namespace Synth.Contracts.Jobs;

/// <summary>The evaluator: streaming metrics, feedback to the generator, report and export (docs/evaluation.md).</summary>
public sealed class EvaluationSpec
{
    /// <summary>Measure embedding-based metrics (novelty, pairwise similarity) with the local MiniLM model.</summary>
    public bool Embeddings { get; set; } = true;
    /// <summary>Past samples each new one is compared with for novelty (a uniform reservoir of the job's samples).</summary>
    public int NoveltyReservoir { get; set; } = 2000;
    /// <summary>Mean pairwise cosine similarity is sampled until its error is at most this (with <see cref="SimilarityConfidence"/>).</summary>
    public double SimilarityHalfWidth { get; set; } = 0.02;
    public double SimilarityConfidence { get; set; } = 0.95;
    /// <summary>Leader clustering of the embeddings: a sample joins a cluster whose leader's cosine similarity to it is at least this.</summary>
    public double ClusterSimilarity { get; set; } = 0.7;
    public FeedbackSpec Feedback { get; set; } = new();
    public ExportSpec Export { get; set; } = new();
    /// <summary>Indirect evaluation on a real benchmark (text classification); off when omitted.</summary>
    public IndirectSpec? Indirect { get; set; }
    /// <summary>An LLM judge's faithfulness verdicts on a random sample sized for a target interval, run with the report.</summary>
    public FaithfulnessSpec Faithfulness { get; set; } = new();
}
