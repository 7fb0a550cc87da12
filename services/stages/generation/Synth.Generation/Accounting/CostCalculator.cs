using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Generation.Accounting;

/// <summary>Cost of token usage from the spec's price table (US dollars per one million tokens, in decimal so sums are exact).</summary>
public static class CostCalculator
{
    private const decimal Million = 1_000_000m;

    public static decimal Cost(ModelPrice price, long promptTokens, long completionTokens)
    {
        ArgumentNullException.ThrowIfNull(price);
        return (promptTokens * price.InputPerMillion + completionTokens * price.OutputPerMillion) / Million;
    }

    public static decimal Cost(ModelPrice price, TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return Cost(price, usage.PromptTokens, usage.CompletionTokens);
    }

    /// <summary>
    /// The most a request may take: its prompt tokens, the completion it may be given at most, and their price
    /// (zero without one). Reserving this worst case is what lets concurrent requests never overrun a limit.
    /// </summary>
    public static BudgetTotals WorstCase(long promptTokens, long maxOutputTokens, ModelPrice? price) =>
        new(1, promptTokens + maxOutputTokens, price is null ? 0 : Cost(price, promptTokens, maxOutputTokens));

    /// <summary>The price of <paramref name="model"/> (exact name first, then ignoring case); null when the table has none.</summary>
    public static ModelPrice? PriceOf(BudgetSpec budget, string? model)
    {
        ArgumentNullException.ThrowIfNull(budget);
        if (model is null)
        {
            return null;
        }
        return budget.Prices.TryGetValue(model, out var exact)
            ? exact
            : budget.Prices.FirstOrDefault(p => string.Equals(p.Key, model, StringComparison.OrdinalIgnoreCase)).Value;
    }

    /// <summary>
    /// A sample's share of its request's cost. Shares are rounded to 10 decimal places and the last sample takes the
    /// remainder, so the shares always add up to the request's cost exactly.
    /// </summary>
    public static IReadOnlyList<decimal> Split(decimal cost, int samples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        var share = decimal.Round(cost / samples, 10);
        var shares = Enumerable.Repeat(share, samples).ToArray();
        shares[^1] = cost - share * (samples - 1);
        return shares;
    }
}
