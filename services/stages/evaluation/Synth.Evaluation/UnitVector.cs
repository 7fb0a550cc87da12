using System.Numerics.Tensors;

namespace Synth.Evaluation;

/// <summary>
/// Embeddings kept for comparison are stored at unit length, so each later comparison is one dot product instead of
/// a cosine (a dot product and two norms): the evaluator compares every sample with up to thousands of kept ones.
/// </summary>
internal static class UnitVector
{
    /// <summary>A unit-length copy of <paramref name="embedding"/> (a zero vector stays zero).</summary>
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

    /// <summary>The cosine similarity of two unit vectors from <see cref="Of"/>.</summary>
    public static double Cosine(ReadOnlyMemory<float> a, ReadOnlyMemory<float> b) => TensorPrimitives.Dot(a.Span, b.Span);
}
