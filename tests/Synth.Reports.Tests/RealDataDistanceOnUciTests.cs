using Synth.Llm.Embeddings;
using Synth.Evaluation;
using Synth.Evaluation.Processor.Downstream;
using Xunit.Abstractions;

namespace Synth.Reports.Tests;

/// <summary>The real-data distance on real sentences: two halves of one source are closer than two sources.</summary>
public sealed class RealDataDistanceOnUciTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_halves_of_one_UCI_source_are_closer_than_two_sources()
    {
        var amazon = Benchmarks.ReadUciSource(Path.Combine(BenchmarkData.Folder, "uci-sentiment"), "amazon").Select(t => t.Text).ToList();
        var imdb = Benchmarks.ReadUciSource(Path.Combine(BenchmarkData.Folder, "uci-sentiment"), "imdb").Select(t => t.Text).Take(300).ToList();
        using var embedder = new MiniLmEmbeddingGenerator();
        async Task<List<ReadOnlyMemory<float>>> EmbedAsync(IEnumerable<string> texts) =>
            [.. (await embedder.GenerateAsync(texts)).Select(e => e.Vector)];
        // Alternate sentences, so both halves cover the file alike.
        var first = await EmbedAsync(amazon.Where((_, i) => i % 2 == 0).Take(300));
        var second = await EmbedAsync(amazon.Where((_, i) => i % 2 == 1).Take(300));
        var other = await EmbedAsync(imdb);

        var same = EmbeddingDistributions.Compare(first, second);
        var cross = EmbeddingDistributions.Compare(first, other);

        output.WriteLine($"amazon/amazon: MMD² {same.MmdSquared:0.0000} (σ {same.Bandwidth:0.000}), nearest-real cosine {same.MeanNearestRealCosine:0.000}");
        output.WriteLine($"amazon/imdb:   MMD² {cross.MmdSquared:0.0000} (σ {cross.Bandwidth:0.000}), nearest-real cosine {cross.MeanNearestRealCosine:0.000}");
        Assert.True(cross.MmdSquared > 3 * same.MmdSquared, $"same source {same.MmdSquared}, other source {cross.MmdSquared}");
        Assert.True(cross.MeanNearestRealCosine < same.MeanNearestRealCosine);
    }
}
