using System.Numerics.Tensors;

namespace Synth.Curation.Text;

public static class VectorMath
{
    /// <summary>Cosine similarity of two embeddings of equal length; 0 when either is all zeros.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Embedding lengths differ: {a.Length} and {b.Length}.");
        }

        if (a.IsEmpty)
        {
            throw new ArgumentException("Embeddings must not be empty.");
        }

        var similarity = TensorPrimitives.CosineSimilarity(a, b);
        // A zero vector gives NaN; it is similar to nothing.
        return float.IsNaN(similarity) ? 0 : similarity;
    }
}
