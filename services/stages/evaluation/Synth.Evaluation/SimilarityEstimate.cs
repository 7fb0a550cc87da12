using System.Numerics.Tensors;

namespace Synth.Evaluation;

/// <param name="HalfWidth">With probability at least <c>Confidence</c>, the true mean lies within Mean ± HalfWidth.</param>
public sealed record SimilarityEstimate(double Mean, double HalfWidth, double Confidence, long Pairs, bool Exact);
