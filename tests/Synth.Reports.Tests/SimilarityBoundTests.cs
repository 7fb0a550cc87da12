using System.Globalization;
using Synth.Llm.Embeddings;
using Synth.Evaluation;
using Synth.Evaluation.Processor.Downstream;
using Xunit.Abstractions;

namespace Synth.Reports.Tests;

/// <summary>The sampled mean pairwise cosine similarity against the exact value, on real sentences and real embeddings.</summary>
public sealed class SimilarityBoundTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_sampled_estimate_is_within_its_stated_bound_of_the_exact_mean_on_3000_UCI_sentences()
    {
        var folder = Path.Combine(BenchmarkData.Folder, "uci-sentiment");
        var sentences = Benchmarks.UciSources.SelectMany(s => Benchmarks.ReadUciSource(folder, s)).Select(s => s.Text).ToList();
        Assert.Equal(3000, sentences.Count);
        using var embedder = new MiniLmEmbeddingGenerator();
        var generated = await embedder.GenerateAsync(sentences);
        var embeddings = generated.Select(e => e.Vector).ToList();

        var exact = PairwiseSimilarity.Exact(embeddings);
        Assert.Equal(3000L * 2999 / 2, exact.Pairs);
        // Several seeds. Each may miss with probability ≤ 5% in the worst case; Hoeffding's bound is distribution-free and
        // conservative on real data (the errors seen are about a tenth of it), so all five hold.
        var misses = 0;
        foreach (var seed in Enumerable.Range(1, 5))
        {
            var sampled = PairwiseSimilarity.Estimate(embeddings, halfWidth: 0.02, confidence: 0.95, new Random(seed));
            Assert.False(sampled.Exact);
            Assert.Equal(PairwiseSimilarity.PairsFor(0.02, 0.95), sampled.Pairs);
            Assert.True(sampled.HalfWidth <= 0.02);
            var error = Math.Abs(sampled.Mean - exact.Mean);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"seed {seed}: sampled {sampled.Mean:0.00000} over {sampled.Pairs:N0} pairs, exact {exact.Mean:0.00000} over {exact.Pairs:N0}, error {error:0.00000}, bound {sampled.HalfWidth:0.00000}"));
            misses += error <= sampled.HalfWidth ? 0 : 1;
        }

        Assert.Equal(0, misses);
    }
}
