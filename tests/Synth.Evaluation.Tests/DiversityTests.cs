namespace Synth.Evaluation.Tests;

public sealed class DiversityTests
{
    [Fact]
    public void Words_are_letter_and_digit_runs_lower_cased_with_inner_apostrophes()
    {
        Assert.Equal(["it's", "a", "4k", "screen", "isn't", "it"], WordTokens.Of("It's a 4K screen -- isn't it?"));
        Assert.Empty(WordTokens.Of(" ... "));
    }

    [Fact]
    public void Metrics_match_hand_computed_values()
    {
        var accumulator = new DiversityAccumulator(maxN: 2, lengthEdges: [3]);
        accumulator.Add("the cat sat");
        accumulator.Add("the cat ran");

        var m = accumulator.Snapshot();

        // Tokens: the cat sat | the cat ran → 6 tokens, vocabulary {the, cat, sat, ran}.
        Assert.Equal(2, m.Samples);
        Assert.Equal(6, m.Tokens);
        Assert.Equal(4, m.VocabularySize);
        // distinct-1 = 4/6; bigrams: (the cat) x2, (cat sat), (cat ran) → 3 unique of 4.
        Assert.Equal(4.0 / 6, m.DistinctN[0], 12);
        Assert.Equal(3.0 / 4, m.DistinctN[1], 12);
        // Unigram entropy: p = 2/6, 2/6, 1/6, 1/6.
        var expected = -((2 * (2.0 / 6) * Math.Log2(2.0 / 6)) + (2 * (1.0 / 6) * Math.Log2(1.0 / 6)));
        Assert.Equal(expected, m.EntropyN[0], 12);
        // Bigram entropy: p = 2/4, 1/4, 1/4 → 1.5 bits.
        Assert.Equal(1.5, m.EntropyN[1], 12);
        Assert.Equal(3, m.Lengths.Mean, 12);
        Assert.Equal(0, m.Lengths.StandardDeviation, 12);
        Assert.Equal([0L, 2L], m.Lengths.Histogram);
    }

    [Fact]
    public void Lengths_have_sample_standard_deviation_and_buckets()
    {
        var accumulator = new DiversityAccumulator(maxN: 1, lengthEdges: [2, 4]);
        foreach (var text in new[] { "one", "one two", "one two three", "one two three four five" })
        {
            accumulator.Add(text);
        }

        var lengths = accumulator.Snapshot().Lengths;

        // Lengths 1, 2, 3, 5: mean 2.75, sample variance ((1.75²+0.75²+0.25²+2.25²)/3) = 2.9167.
        Assert.Equal(2.75, lengths.Mean, 12);
        Assert.Equal(Math.Sqrt(8.75 / 3), lengths.StandardDeviation, 12);
        Assert.Equal(1, lengths.Min);
        Assert.Equal(5, lengths.Max);
        Assert.Equal([1L, 2L, 1L], lengths.Histogram);
    }

    [Fact]
    public void Incremental_metrics_equal_a_full_recomputation_at_every_step()
    {
        var random = new Random(7);
        string[] words = ["battery", "screen", "great", "poor", "delivery", "fast", "slow", "price", "the", "is", "was", "not"];
        var texts = Enumerable.Range(0, 400)
            .Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(0, 15)).Select(_ => words[random.Next(words.Length)])))
            .ToList();

        var accumulator = new DiversityAccumulator();
        for (var i = 0; i < texts.Count; i++)
        {
            accumulator.Add(texts[i]);
            if (i % 97 == 0 || i == texts.Count - 1)
            {
                AssertEqualsRecomputation(accumulator.Snapshot(), texts.Take(i + 1).ToList());
            }
        }
    }

    [Fact]
    public void Only_orders_one_to_three_are_supported()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DiversityAccumulator(maxN: 4));
        Assert.Throws<ArgumentException>(() => new DiversityAccumulator(lengthEdges: [5, 5]));
    }

    /// <summary>An independent, string-keyed recomputation of the same definitions.</summary>
    private static void AssertEqualsRecomputation(DiversityMetrics actual, List<string> texts)
    {
        var tokenized = texts.Select(WordTokens.Of).ToList();
        Assert.Equal(texts.Count, actual.Samples);
        Assert.Equal(tokenized.Sum(t => t.Count), actual.Tokens);
        Assert.Equal(tokenized.SelectMany(t => t).Distinct().Count(), actual.VocabularySize);
        for (var n = 1; n <= 3; n++)
        {
            var grams = tokenized.SelectMany(t => Enumerable.Range(0, Math.Max(0, t.Count - n + 1)).Select(i => string.Join(' ', t.Skip(i).Take(n)))).ToList();
            var distinct = grams.Count == 0 ? 0 : (double)grams.Distinct().Count() / grams.Count;
            var entropy = grams.Count == 0 ? 0 : -grams.GroupBy(g => g).Sum(g => (double)g.Count() / grams.Count * Math.Log2((double)g.Count() / grams.Count));
            Assert.Equal(distinct, actual.DistinctN[n - 1], 12);
            Assert.Equal(entropy, actual.EntropyN[n - 1], 9);
        }

        var lengths = tokenized.Select(t => (double)t.Count).ToList();
        Assert.Equal(lengths.Average(), actual.Lengths.Mean, 9);
        if (lengths.Count > 1)
        {
            var mean = lengths.Average();
            Assert.Equal(Math.Sqrt(lengths.Sum(l => (l - mean) * (l - mean)) / (lengths.Count - 1)), actual.Lengths.StandardDeviation, 9);
        }
    }
}
