using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace Synth.Embeddings.Tests;

public sealed class MiniLmEmbeddingGeneratorTests : IClassFixture<MiniLmEmbeddingGeneratorTests.Model>
{
    private readonly MiniLmEmbeddingGenerator _generator;

    public MiniLmEmbeddingGeneratorTests(Model model) => _generator = model.Generator;

    [Fact]
    public async Task Embeddings_have_the_models_dimensions_and_unit_length()
    {
        var embeddings = await _generator.GenerateAsync(["The battery lasts all day.", "Shipping took three weeks."]);

        Assert.Equal(2, embeddings.Count);
        Assert.All(embeddings, e =>
        {
            Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, e.Vector.Length);
            Assert.Equal(1.0, TensorPrimitives.Norm(e.Vector.Span), 3);
            Assert.Equal(MiniLmEmbeddingGenerator.ModelId, e.ModelId);
        });
    }

    [Fact]
    public async Task Paraphrases_are_closer_than_unrelated_sentences()
    {
        var embeddings = await _generator.GenerateAsync(
        [
            "The battery lasts all day on a single charge.",
            "On one charge the battery keeps going for the whole day.",
            "The soup recipe needs two onions and a bay leaf.",
        ]);

        var paraphrase = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span);
        var unrelated = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[2].Vector.Span);

        Assert.True(paraphrase > 0.7, $"paraphrase cosine {paraphrase}");
        Assert.True(unrelated < 0.3, $"unrelated cosine {unrelated}");
    }

    [Fact]
    public async Task A_sentence_embeds_the_same_alone_and_in_a_batch()
    {
        const string sentence = "The screen is bright enough to read outdoors.";
        var alone = await _generator.GenerateAsync([sentence]);
        var batch = await _generator.GenerateAsync(["Something else entirely, and longer than the first one.", sentence]);

        Assert.Equal(1.0, TensorPrimitives.CosineSimilarity(alone[0].Vector.Span, batch[1].Vector.Span), 4);
    }

    [Fact]
    public async Task Concurrent_callers_are_encoded_together_and_get_what_one_call_gives()
    {
        var sentences = Enumerable.Range(0, 12).Select(i => $"Concurrent review number {i} says the hinge feels solid.").ToList();

        var concurrent = await Task.WhenAll(sentences.Select(s => Task.Run(() => _generator.GenerateAsync([s]))));
        using var other = new MiniLmEmbeddingGenerator();
        var again = await other.GenerateAsync(sentences);

        for (var i = 0; i < sentences.Count; i++)
        {
            Assert.Equal(1.0, TensorPrimitives.CosineSimilarity(concurrent[i][0].Vector.Span, again[i].Vector.Span), 4);
        }
    }

    [Fact]
    public async Task A_disposed_generator_refuses_new_texts_and_can_be_disposed_again()
    {
        var generator = new MiniLmEmbeddingGenerator();
        var queued = generator.GenerateAsync(["A text asked for just before the generator is disposed, 7f3c."]);
        generator.Dispose();

        Assert.Single(await queued);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["Any text."]));
        generator.Dispose();
    }

    [Fact]
    public void The_cache_keeps_its_newest_entries_up_to_its_capacity()
    {
        var cache = new EmbeddingCache(capacity: 2);
        cache.Add("a", [1]);
        cache.Add("b", [2]);
        cache.Add("a", [9]);
        cache.Add("c", [3]);

        Assert.False(cache.TryGet("a", out _));
        Assert.True(cache.TryGet("b", out var b));
        Assert.Equal([2f], b);
        Assert.True(cache.TryGet("c", out _));
    }

    [Fact]
    public async Task No_input_gives_no_embeddings()
    {
        Assert.Empty(await _generator.GenerateAsync([]));
    }

    [Fact]
    public void Metadata_names_the_model()
    {
        var metadata = _generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal(MiniLmEmbeddingGenerator.ModelId, metadata.DefaultModelId);
        Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, metadata.DefaultModelDimensions);
    }

    public sealed class Model : IDisposable
    {
        public MiniLmEmbeddingGenerator Generator { get; } = new();

        public void Dispose() => Generator.Dispose();
    }
}
