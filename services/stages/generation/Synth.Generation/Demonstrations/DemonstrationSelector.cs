using Synth.Contracts.Jobs;

namespace Synth.Generation.Demonstrations;

/// <summary>Chooses e_demo: k demos by similarity, MMR or seeded chance, then fits them into the token budget.</summary>
public static class DemonstrationSelector
{
    public static SelectedDemos Select(
        IReadOnlyList<Demonstration> pool, DemonstrationsSpec spec, ReadOnlySpan<float> query, int seed, long requestIndex)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(spec);
        var ranked = spec.Selection switch
        {
            DemoSelection.Similarity => Nearest(pool, query, spec.K),
            DemoSelection.Mmr => MaximalMarginalRelevance(pool, query, spec.K, spec.MmrLambda),
            DemoSelection.Random => RandomSample(pool, spec.K, seed, requestIndex),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Selection, "unknown demo selection"),
        };
        return FitToBudget(ranked, spec.TokenBudget, TokenCounter.For(spec.Tokenizer));
    }

    /// <summary>The <paramref name="k"/> demos with the highest cosine similarity to <paramref name="query"/>, nearest first; ties by pool order.</summary>
    public static IReadOnlyList<Demonstration> Nearest(IReadOnlyList<Demonstration> pool, ReadOnlySpan<float> query, int k)
    {
        var scored = new List<(Demonstration Demo, double Score, int Order)>(pool.Count);
        for (var i = 0; i < pool.Count; i++)
        {
            scored.Add((pool[i], Cosine(pool[i].Embedding, query), i));
        }
        return scored.OrderByDescending(s => s.Score).ThenBy(s => s.Order).Take(Math.Max(k, 0)).Select(s => s.Demo).ToList();
    }

    /// <summary>
    /// Maximal marginal relevance: repeatedly the demo maximising λ·sim(query) − (1−λ)·max sim(already chosen).
    /// λ = 1 is <see cref="Nearest"/>; smaller λ trades relevance for demos unlike each other.
    /// </summary>
    public static IReadOnlyList<Demonstration> MaximalMarginalRelevance(IReadOnlyList<Demonstration> pool, ReadOnlySpan<float> query, int k, double lambda)
    {
        var relevance = new double[pool.Count];
        for (var i = 0; i < pool.Count; i++)
        {
            relevance[i] = Cosine(pool[i].Embedding, query);
        }
        // Highest similarity to anything chosen so far, kept up to date as demos are chosen.
        var redundancy = Enumerable.Repeat(double.NegativeInfinity, pool.Count).ToArray();
        var chosen = new List<Demonstration>();
        var taken = new bool[pool.Count];
        while (chosen.Count < Math.Min(k, pool.Count))
        {
            var best = -1;
            var bestScore = double.NegativeInfinity;
            for (var i = 0; i < pool.Count; i++)
            {
                if (taken[i])
                {
                    continue;
                }
                var score = chosen.Count == 0 ? relevance[i] : lambda * relevance[i] - (1 - lambda) * redundancy[i];
                if (score > bestScore)
                {
                    best = i;
                    bestScore = score;
                }
            }
            taken[best] = true;
            chosen.Add(pool[best]);
            for (var i = 0; i < pool.Count; i++)
            {
                if (!taken[i])
                {
                    redundancy[i] = Math.Max(redundancy[i], Cosine(pool[i].Embedding, pool[best].Embedding));
                }
            }
        }
        return chosen;
    }

    /// <summary><paramref name="k"/> distinct demos drawn by a partial Fisher–Yates shuffle seeded by (seed, request index).</summary>
    public static IReadOnlyList<Demonstration> RandomSample(IReadOnlyList<Demonstration> pool, int k, int seed, long requestIndex)
    {
        var order = Enumerable.Range(0, pool.Count).ToArray();
        var take = Math.Min(Math.Max(k, 0), pool.Count);
        using var draws = StableRandom.Sequence(seed, requestIndex, "demos").GetEnumerator();
        for (var i = 0; i < take; i++)
        {
            draws.MoveNext();
            var j = i + (int)(draws.Current * (pool.Count - i));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order.Take(take).Select(i => pool[i]).ToList();
    }

    /// <summary>Drops the least relevant (last) demos until the rest fit in <paramref name="tokenBudget"/> tokens together.</summary>
    public static SelectedDemos FitToBudget(IReadOnlyList<Demonstration> ranked, int tokenBudget, TokenCounter counter)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(counter);
        var counts = ranked.Select(d => counter.Count(d.PromptText)).ToList();
        var kept = ranked.Count;
        var total = counts.Sum();
        while (kept > 0 && total > tokenBudget)
        {
            kept--;
            total -= counts[kept];
        }
        return new SelectedDemos(ranked.Take(kept).ToList(), total, ranked.Skip(kept).Select(d => d.Id).ToList());
    }

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"embedding lengths differ ({a.Length} and {b.Length})");
        }
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
        }
        // A zero vector has no direction: it is unlike everything rather than a division by zero.
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
