using System.Numerics.Tensors;

namespace Synth.Evaluation;

/// <summary>How far the synthetic embeddings lie from the real (support) ones.</summary>
/// <param name="MmdSquared">
/// Squared maximum mean discrepancy with a Gaussian kernel k(x, y) = exp(−‖x − y‖² / (2·Bandwidth²)), the biased
/// (V-statistic) estimate: 0 for identical sets, never negative, at most 2.
/// </param>
/// <param name="Bandwidth">The kernel's σ: the median Euclidean distance between the pooled embeddings.</param>
/// <param name="MeanNearestRealCosine">Mean over synthetic samples of the highest cosine similarity to any real sample.</param>
public sealed record EmbeddingDistance(double MmdSquared, double Bandwidth, double MeanNearestRealCosine, int SyntheticSamples, int RealSamples);
