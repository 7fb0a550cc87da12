using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Accounting;

namespace Synth.Generation.Tests;

public sealed class AccountingTests
{
    private static readonly ModelPrice Price = new() { InputPerMillion = 2.50m, OutputPerMillion = 10m };

    [Fact]
    public void Cost_is_exact_decimal_arithmetic_on_the_price_table()
    {
        Assert.Equal(0.008755m, CostCalculator.Cost(Price, new TokenUsage { PromptTokens = 1234, CompletionTokens = 567 }));
        Assert.Equal(12.5m, CostCalculator.Cost(Price, 1_000_000, 1_000_000));
        Assert.Equal(0m, CostCalculator.Cost(new ModelPrice(), 5000, 5000));

        var budget = new BudgetSpec { Prices = new() { ["gpt-4.1-mini"] = Price } };
        Assert.Same(Price, CostCalculator.PriceOf(budget, "gpt-4.1-mini"));
        Assert.Same(Price, CostCalculator.PriceOf(budget, "GPT-4.1-Mini"));
        Assert.Null(CostCalculator.PriceOf(budget, "other"));
        Assert.Null(CostCalculator.PriceOf(budget, null));
    }

    [Fact]
    public void A_requests_cost_splits_over_its_samples_exactly()
    {
        var shares = CostCalculator.Split(0.01m, 3);
        Assert.Equal(0.01m, shares.Sum());
        Assert.Equal(0.0033333333m, shares[0]);
        Assert.Equal([0.5m], CostCalculator.Split(0.5m, 1));
    }

    [Fact]
    public void The_check_counts_spent_and_in_flight_reservations()
    {
        var limits = new BudgetSpec { MaxCostUsd = 1.00m, MaxRequests = 10, MaxTokens = 10_000 };
        var spent = new BudgetTotals(5, 6_000, 0.90m);
        var reserved = new BudgetTotals(2, 2_000, 0.05m);

        Assert.True(BudgetLedger.Check(limits, spent, reserved, new BudgetTotals(1, 1_000, 0.05m)).Allowed); // lands exactly on the cap
        var cost = BudgetLedger.Check(limits, spent, reserved, new BudgetTotals(1, 1_000, 0.06m));
        Assert.Equal(BudgetLimit.Cost, cost.ExceededLimit);
        Assert.Contains("$0.05 reserved", cost.Reason);
        Assert.Equal(BudgetLimit.Tokens, BudgetLedger.Check(limits, spent, reserved, new BudgetTotals(1, 2_001, 0m)).ExceededLimit);
        Assert.Equal(BudgetLimit.Requests, BudgetLedger.Check(limits, spent, new BudgetTotals(5, 0, 0), new BudgetTotals(1, 0, 0)).ExceededLimit);
        Assert.True(BudgetLedger.Check(new BudgetSpec(), new BudgetTotals(long.MaxValue / 4, 0, 1e9m), BudgetTotals.Zero, new BudgetTotals(1, 1, 1)).Allowed);
    }

    [Fact]
    public void Worst_case_reservations_keep_concurrent_requests_under_the_cap()
    {
        var limits = new BudgetSpec { MaxCostUsd = 0.10m };
        var ledger = new BudgetLedger(limits);
        // 2,000 prompt tokens and up to 1,000 completion: 0.005 + 0.01 = $0.015 at worst.
        var worst = CostCalculator.WorstCase(2_000, 1_000, Price);
        Assert.Equal(new BudgetTotals(1, 3_000, 0.015m), worst);

        var inFlight = 0;
        while (ledger.TryReserve(worst).Allowed)
        {
            inFlight++;
        }
        Assert.Equal(6, inFlight); // 6 × 0.015 = 0.09; a 7th could reach 0.105
        Assert.True(ledger.Spent.CostUsd + ledger.Reserved.CostUsd <= limits.MaxCostUsd);

        // Answers come back shorter than the worst case: what they did not use is free again.
        for (var i = 0; i < inFlight; i++)
        {
            ledger.Commit(worst, new BudgetTotals(1, 2_400, CostCalculator.Cost(Price, 2_000, 400)));
        }
        Assert.Equal(BudgetTotals.Zero, ledger.Reserved);
        Assert.Equal(6 * 0.009m, ledger.Spent.CostUsd);
        Assert.True(ledger.TryReserve(worst).Allowed);
        ledger.Release(worst);
        Assert.Equal(BudgetTotals.Zero, ledger.Reserved);
    }

    [Fact]
    public void Parallel_reservations_never_pass_the_cap()
    {
        var limits = new BudgetSpec { MaxRequests = 500, MaxTokens = 1_000_000 };
        var ledger = new BudgetLedger(limits);
        var granted = 0;
        Parallel.For(0, 2_000, _ =>
        {
            if (ledger.TryReserve(new BudgetTotals(1, 1_000, 0)).Allowed)
            {
                Interlocked.Increment(ref granted);
            }
        });
        Assert.Equal(500, granted);
        Assert.Equal(500, ledger.Reserved.Requests);
    }
}
