using Synth.Contracts.Jobs;
using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Tests;

// The budget half of the store contract: it runs for every adapter the contract suite runs for.
public abstract partial class StoreContractTests
{
    private static readonly BudgetSpec Limits = new() { MaxRequests = 3, MaxTokens = 1_000, MaxCostUsd = 0.10m };
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Now.AddMinutes(10);

    [StoreFact]
    public async Task An_expired_reservation_no_longer_holds_budget()
    {
        var budget = (await NewStoresAsync()).Budget;
        var job = NewJobId();
        await budget.TryReserveAsync(job, "dead", "gone", new BudgetTotals(3, 0, 0m), Limits, Now, Later, Ct);

        var meanwhile = await budget.TryReserveAsync(job, "c1", "a", new BudgetTotals(1, 0, 0m), Limits, Now.AddMinutes(5), Later.AddMinutes(5), Ct);
        var afterExpiry = await budget.TryReserveAsync(job, "c2", "a", new BudgetTotals(1, 0, 0m), Limits, Later.AddSeconds(1), Later.AddMinutes(11), Ct);

        Assert.False(meanwhile.Granted);
        Assert.True(afterExpiry.Granted);
        Assert.Equal(new BudgetTotals(1, 0, 0m), (await budget.GetBudgetAsync(job, Ct)).Reserved);
    }

    [StoreFact]
    public async Task Budget_reservations_are_granted_within_every_limit_and_refused_past_one()
    {
        var budget = (await NewStoresAsync()).Budget;
        var job = NewJobId();

        var first = await budget.TryReserveAsync(job, "c1", "a", new BudgetTotals(1, 400, 0.04m), Limits, Now, Later, Ct);
        var again = await budget.TryReserveAsync(job, "c1", "a", new BudgetTotals(1, 400, 0.04m), Limits, Now, Later, Ct);
        var tooManyTokens = await budget.TryReserveAsync(job, "c2", "a", new BudgetTotals(1, 700, 0.01m), Limits, Now, Later, Ct);
        var tooCostly = await budget.TryReserveAsync(job, "c3", "a", new BudgetTotals(1, 100, 0.07m), Limits, Now, Later, Ct);
        var fits = await budget.TryReserveAsync(job, "c4", "b", new BudgetTotals(1, 600, 0.06m), Limits, Now, Later, Ct);

        Assert.True(first.Granted);
        Assert.True(again.Granted); // idempotent per call id: not reserved twice
        Assert.Equal(((BudgetLimit?)BudgetLimit.Tokens, false), (tooManyTokens.ExceededLimit, tooManyTokens.Granted));
        Assert.Equal(((BudgetLimit?)BudgetLimit.Cost, false), (tooCostly.ExceededLimit, tooCostly.Granted));
        Assert.True(fits.Granted);
        Assert.Equal((default(BudgetTotals), new BudgetTotals(2, 1_000, 0.10m)), await budget.GetBudgetAsync(job, Ct));

        var third = await budget.TryReserveAsync(job, "c5", "a", new BudgetTotals(1, 0, 0m), Limits, Now, Later, Ct);
        var fourth = await budget.TryReserveAsync(job, "c6", "a", new BudgetTotals(1, 0, 0m), Limits, Now, Later, Ct);
        Assert.True(third.Granted);
        Assert.Equal(BudgetLimit.Requests, fourth.ExceededLimit);
    }

    [StoreFact]
    public async Task A_commit_replaces_the_reservation_with_what_was_spent_once_only()
    {
        var budget = (await NewStoresAsync()).Budget;
        var job = NewJobId();
        await budget.TryReserveAsync(job, "c1", "a", new BudgetTotals(1, 900, 0.09m), Limits, Now, Later, Ct);

        await budget.CommitAsync(job, "c1", new BudgetTotals(1, 250, 0.025m), Ct);
        await budget.CommitAsync(job, "c1", new BudgetTotals(1, 250, 0.025m), Ct);

        Assert.Equal((new BudgetTotals(1, 250, 0.025m), default(BudgetTotals)), await budget.GetBudgetAsync(job, Ct));
        // What the commit freed can be reserved again.
        Assert.True((await budget.TryReserveAsync(job, "c2", "a", new BudgetTotals(1, 700, 0.07m), Limits, Now, Later, Ct)).Granted);
    }

    [StoreFact]
    public async Task Released_and_abandoned_reservations_free_the_budget()
    {
        var budget = (await NewStoresAsync()).Budget;
        var job = NewJobId();
        await budget.TryReserveAsync(job, "c1", "a", new BudgetTotals(1, 100, 0.01m), Limits, Now, Later, Ct);
        await budget.TryReserveAsync(job, "c2", "crashed", new BudgetTotals(1, 100, 0.01m), Limits, Now, Later, Ct);
        await budget.TryReserveAsync(job, "c3", "crashed", new BudgetTotals(1, 100, 0.01m), Limits, Now, Later, Ct);

        await budget.ReleaseAsync(job, "c1", Ct);
        await budget.ReleaseInstanceAsync(job, "crashed", Ct);

        Assert.Equal((default(BudgetTotals), default(BudgetTotals)), await budget.GetBudgetAsync(job, Ct));
    }

    [StoreFact]
    public async Task Two_store_instances_reserving_at_once_never_pass_a_limit_together()
    {
        var a = (await NewStoresAsync()).Budget;
        var b = (await NewStoresAsync()).Budget;
        var job = NewJobId();
        var limits = new BudgetSpec { MaxRequests = 10 };

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? a : b).TryReserveAsync(job, $"c{i}", i % 2 == 0 ? "a" : "b", new BudgetTotals(1, 10, 0m), limits, Now, Later, Ct)));

        Assert.Equal(10, results.Count(r => r.Granted));
        Assert.Equal(10, (await a.GetBudgetAsync(job, Ct)).Reserved.Requests);
    }
}
