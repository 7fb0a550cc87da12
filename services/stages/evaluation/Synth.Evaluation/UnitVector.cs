using System.Numerics.Tensors;

namespace Synth.Evaluation;

/// <summary>
/// Embeddings kept for comparison are stored at unit length, so each later comparison is one dot product instead of
/// a cosine (a dot product and two norms): the evaluator compares every sample with up to thousands of kept ones.
/// </summary>
internal static class UnitVector
{
    /// <summary>
    /// A unit-length copy of <paramref name="embedding"/>. A zero vector (no embedding model gives one) stays zero and
    /// so compares as 0 with everything, where a cosine would give NaN.
    /// </summary>
    public static ReadOnlyMemory<float> Of(ReadOnlyMemory<float> embedding)
    {
        var copy = embedding.ToArray();
        var norm = TensorPrimitives.Norm(copy);
        if (norm > 0)
        {
            TensorPrimitives.Divide(copy, norm, copy);
        }

        return copy;
    }

    /// <summary>The dot product, which for two vectors from <see cref="Of"/> is their cosine similarity.</summary>
    public static double Dot(ReadOnlyMemory<float> a, ReadOnlyMemory<float> b) => TensorPrimitives.Dot(a.Span, b.Span);
}
