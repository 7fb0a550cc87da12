using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Demonstrations;

namespace Synth.Generation.Tests;

public sealed class DemonstrationTests
{
    private static float[] RandomVector(Random random, int dimensions) =>
        Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static Demonstration Demo(string id, float[] embedding, string text = "a short review") =>
        new(id, new SampleContent { Text = text, Label = "positive" }, embedding);

    private static List<Demonstration> Pool(int count, int dimensions, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => Demo($"d{i}", RandomVector(random, dimensions), $"review number {i} " + new string('x', random.Next(0, 200)))).ToList();
    }

    [Fact]
    public void Similarity_picks_the_true_nearest_demos()
    {
        var random = new Random(11);
        var pool = Pool(300, 24, seed: 12);
        for (var trial = 0; trial < 20; trial++)
        {
            var query = RandomVector(random, 24);
            // Brute force: normalise everything and sort by dot product.
            var q = Normalise(query);
            var expected = pool
                .Select(d => (d.Id, Score: Normalise(d.Embedding).Zip(q, (a, b) => a * b).Sum()))
                .OrderByDescending(x => x.Score)
                .Take(6)
                .Select(x => x.Id)
                .ToList();
            Assert.Equal(expected, DemonstrationSelector.Nearest(pool, query, 6).Select(d => d.Id).ToList());
        }
    }

    private static double[] Normalise(float[] v)
    {
        var norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => x / norm).ToArray();
    }

    [Fact]
    public void Mmr_trades_relevance_for_diversity_as_lambda_falls()
    {
        // Five near-copies right by the query, and three other directions further off.
        var pool = new List<Demonstration>
        {
            Demo("near1", [1f, 0.01f, 0f, 0f]), Demo("near2", [1f, 0.02f, 0f, 0f]), Demo("near3", [1f, 0.03f, 0f, 0f]),
            Demo("near4", [1f, 0f, 0.01f, 0f]), Demo("near5", [1f, 0f, 0.02f, 0f]),
            Demo("north", [0.6f, 0.8f, 0f, 0f]), Demo("up", [0.6f, 0f, 0.8f, 0f]), Demo("out", [0.6f, 0f, 0f, 0.8f]),
        };
        float[] query = [1f, 0f, 0f, 0f];
        var measures = new[] { 1.0, 0.7, 0.5, 0.3, 0.0 }.Select(lambda =>
        {
            var chosen = DemonstrationSelector.MaximalMarginalRelevance(pool, query, 4, lambda);
            var relevance = chosen.Average(d => DemonstrationSelector.Cosine(d.Embedding, query));
            var pairs = chosen.SelectMany((a, i) => chosen.Skip(i + 1).Select(b => DemonstrationSelector.Cosine(a.Embedding, b.Embedding))).Average();
            return (lambda, chosen, relevance, pairs);
        }).ToList();

        Assert.Equal(DemonstrationSelector.Nearest(pool, query, 4), measures[0].chosen);
        for (var i = 1; i < measures.Count; i++)
        {
            Assert.True(measures[i].relevance <= measures[i - 1].relevance + 1e-12, $"relevance rose at lambda {measures[i].lambda}");
            Assert.True(measures[i].pairs <= measures[i - 1].pairs + 1e-12, $"redundancy rose at lambda {measures[i].lambda}");
        }
        Assert.True(measures[^1].pairs < measures[0].pairs - 0.3);
        // At lambda 0 the nearest comes first, then one from each other direction.
        Assert.Equal("near1", measures[^1].chosen[0].Id);
        Assert.Equal(["north", "out", "up"], measures[^1].chosen.Skip(1).Select(d => d.Id).Order().ToArray());
    }

    [Fact]
    public void Random_selection_is_seeded_per_request_and_distinct()
    {
        var pool = Pool(50, 4, seed: 1);
        var a = DemonstrationSelector.RandomSample(pool, 8, seed: 5, requestIndex: 9).Select(d => d.Id).ToList();
        var again = DemonstrationSelector.RandomSample(pool, 8, seed: 5, requestIndex: 9).Select(d => d.Id).ToList();
        var other = DemonstrationSelector.RandomSample(pool, 8, seed: 5, requestIndex: 10).Select(d => d.Id).ToList();
        Assert.Equal(a, again);
        Assert.NotEqual(a, other);
        Assert.Equal(8, a.Distinct().Count());
        Assert.Equal(50, DemonstrationSelector.RandomSample(pool, 80, 5, 9).Select(d => d.Id).Distinct().Count());
    }

    [Theory]
    [InlineData(TokenizerName.O200kBase)]
    [InlineData(TokenizerName.Cl100kBase)]
    public void The_token_budget_is_never_exceeded_and_the_least_relevant_go_first(TokenizerName tokenizer)
    {
        var pool = Pool(120, 8, seed: 3);
        var counter = TokenCounter.For(tokenizer);
        var random = new Random(4);
        foreach (var budget in new[] { 1, 30, 100, 250, 600, 5000 })
        {
            var spec = new DemonstrationsSpec { K = 10, Selection = Contracts.Jobs.DemoSelection.Similarity, TokenBudget = budget, Tokenizer = tokenizer };
            var query = RandomVector(random, 8);
            var selection = DemonstrationSelector.Select(pool, spec, query, seed: 0, requestIndex: 0);
            var recount = selection.Demos.Sum(d => counter.Count(d.PromptText));
            Assert.Equal(recount, selection.Tokens);
            Assert.True(recount <= budget, $"{recount} tokens > budget {budget}");

            var ranked = DemonstrationSelector.Nearest(pool, query, 10);
            Assert.Equal(ranked.Take(selection.Demos.Count).Select(d => d.Id), selection.DemoIds);
            Assert.Equal(ranked.Skip(selection.Demos.Count).Select(d => d.Id), selection.Dropped);
            if (selection.Dropped.Count > 0)
            {
                // It stopped only because the next demo would not fit.
                Assert.True(recount + counter.Count(ranked[selection.Demos.Count].PromptText) > budget);
            }
        }
    }

    [Fact]
    public void Token_counts_come_from_the_real_encodings()
    {
        Assert.Equal(2, TokenCounter.For(TokenizerName.O200kBase).Count("hello world"));
        Assert.Equal(2, TokenCounter.For(TokenizerName.Cl100kBase).Count("hello world"));
        const string text = "Synthetic data generation with large language models: a survey.";
        Assert.NotEqual(0, TokenCounter.For(TokenizerName.O200kBase).Count(text));
        Assert.Same(TokenCounter.For(TokenizerName.O200kBase), TokenCounter.For(TokenizerName.O200kBase));
    }

    [Fact]
    public void Demo_prompt_text_is_the_answer_shape()
    {
        var demo = Demo("x", [1f], "Works well");
        Assert.Equal("""{"text":"Works well","label":"positive"}""", demo.PromptText);
    }
}
