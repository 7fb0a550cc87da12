using System.Numerics.Tensors;

namespace Synth.Evaluation;

/// <param name="Clusters">Clusters found among <c>Samples</c> embeddings.</param>
/// <param name="Threshold">A sample joins the most similar leader when their cosine similarity is at least this.</param>
public sealed record EmbeddingClusterCount(long Clusters, long Samples, double Threshold);
