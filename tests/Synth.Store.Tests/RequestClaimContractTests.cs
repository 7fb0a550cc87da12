using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Tests;

// The request-claim half of the store contract (several generator instances share a job's requests).
public abstract partial class StoreContractTests
{
    private static readonly DateTimeOffset ClaimedAt = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LeaseEnd = ClaimedAt.AddSeconds(10);

    [StoreFact]
    public async Task The_plan_grows_to_at_least_a_count_and_extends_only_from_the_count_seen()
    {
        var claims = (await NewStoresAsync()).RequestClaims;
        var job = NewJobId();

        Assert.Equal(0, await claims.GetPlanAsync(job, Ct));
        Assert.Equal(5, await claims.PlanAtLeastAsync(job, 5, Ct));
        Assert.Equal(5, await claims.PlanAtLeastAsync(job, 3, Ct));

        Assert.True(await claims.TryExtendPlanAsync(job, 5, 8, Ct));
        Assert.False(await claims.TryExtendPlanAsync(job, 5, 9, Ct)); // a second instance deciding on the same counts
        Assert.Equal(8, await claims.GetPlanAsync(job, Ct));
    }

    [StoreFact]
    public async Task A_plan_of_nothing_extends_once()
    {
        var claims = (await NewStoresAsync()).RequestClaims;
        var job = NewJobId();

        Assert.True(await claims.TryExtendPlanAsync(job, 0, 4, Ct));
        Assert.False(await claims.TryExtendPlanAsync(job, 0, 6, Ct));
        Assert.Equal(4, await claims.GetPlanAsync(job, Ct));
    }

    [StoreFact]
    public async Task Blocks_are_claimed_in_order_below_the_plan_never_twice()
    {
        var claims = (await NewStoresAsync()).RequestClaims;
        var job = NewJobId();
        await claims.PlanAtLeastAsync(job, 7, Ct);

        var first = await claims.TryClaimAsync(job, "a", 3, ClaimedAt, LeaseEnd, Ct);
        var second = await claims.TryClaimAsync(job, "b", 3, ClaimedAt, LeaseEnd, Ct);
        var last = await claims.TryClaimAsync(job, "a", 3, ClaimedAt, LeaseEnd, Ct);
        var none = await claims.TryClaimAsync(job, "b", 3, ClaimedAt, LeaseEnd, Ct);

        Assert.Equal([(0L, 3L), (3L, 6L), (6L, 7L)], new[] { first!, second!, last! }.Select(c => (c.Start, c.End)));
        Assert.All([first!, second!, last!], c => Assert.False(c.TakenOver));
        Assert.Null(none);

        await claims.TryExtendPlanAsync(job, 7, 9, Ct);
        var more = await claims.TryClaimAsync(job, "b", 3, ClaimedAt, LeaseEnd, Ct);
        Assert.Equal((7L, 9L), (more!.Start, more.End));
    }

    [StoreFact]
    public async Task Concurrent_claims_never_overlap()
    {
        var claims = (await NewStoresAsync()).RequestClaims;
        var job = NewJobId();
        await claims.PlanAtLeastAsync(job, 40, Ct);

        var taken = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            var mine = new List<RequestClaim>();
            while (await claims.TryClaimAsync(job, $"i{i}", 2, ClaimedAt, LeaseEnd, Ct) is { } claim)
            {
                mine.Add(claim);
            }

            return mine;
        })));

        var indexes = taken.SelectMany(c => c).SelectMany(c => c.Indexes()).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), indexes);
    }

    [StoreFact]
    public async Task An_expired_lease_is_taken_over_and_the_old_holder_loses_it()
    {
        var claims = (await NewStoresAsync()).RequestClaims;
        var job = NewJobId();
        await claims.PlanAtLeastAsync(job, 4, Ct);
        var dead = (await claims.TryClaimAsync(job, "dead", 2, ClaimedAt, LeaseEnd, Ct))!;
        var alive = (await claims.TryClaimAsync(job, "alive", 2, ClaimedAt, LeaseEnd, Ct))!;
        Assert.True(await claims.RenewAsync(alive, LeaseEnd.AddSeconds(30), Ct));

        Assert.Null(await claims.TryClaimAsync(job, "new", 2, LeaseEnd.AddSeconds(-1), LeaseEnd.AddSeconds(9), Ct));
        var takeover = await claims.TryClaimAsync(job, "new", 2, LeaseEnd, LeaseEnd.AddSeconds(10), Ct);

        Assert.Equal((0L, 2L, true), (takeover!.Start, takeover.End, takeover.TakenOver));
        Assert.False(await claims.RenewAsync(dead, LeaseEnd.AddSeconds(20), Ct));
        Assert.True(await claims.RenewAsync(takeover, LeaseEnd.AddSeconds(20), Ct));
        Assert.Null(await claims.TryClaimAsync(job, "other", 2, LeaseEnd.AddSeconds(1), LeaseEnd.AddSeconds(11), Ct));
    }

    [StoreFact]
    public async Task A_completed_block_is_never_claimed_again_and_a_released_one_at_once()
    {
        var claims = (await NewStoresAsync()).RequestClaims;
        var job = NewJobId();
        await claims.PlanAtLeastAsync(job, 4, Ct);
        var done = (await claims.TryClaimAsync(job, "a", 2, ClaimedAt, LeaseEnd, Ct))!;
        var left = (await claims.TryClaimAsync(job, "a", 2, ClaimedAt, LeaseEnd, Ct))!;

        await claims.CompleteAsync(done, Ct);
        await claims.ReleaseAsync(left, Ct);

        var again = await claims.TryClaimAsync(job, "b", 2, ClaimedAt, LeaseEnd, Ct);
        Assert.Equal((2L, 4L, true), (again!.Start, again.End, again.TakenOver));
        Assert.Null(await claims.TryClaimAsync(job, "c", 2, ClaimedAt.AddSeconds(1), LeaseEnd, Ct)); // the completed block stays done
    }

    [StoreFact]
    public async Task An_instance_starting_again_ends_its_old_leases()
    {
        var claims = (await NewStoresAsync()).RequestClaims;
        var job = NewJobId();
        await claims.PlanAtLeastAsync(job, 4, Ct);
        await claims.TryClaimAsync(job, "gen-1", 2, ClaimedAt, LeaseEnd, Ct);
        var other = (await claims.TryClaimAsync(job, "gen-2", 2, ClaimedAt, LeaseEnd, Ct))!;

        await claims.ReleaseInstanceAsync(job, "gen-1", Ct);

        var again = await claims.TryClaimAsync(job, "gen-1", 2, ClaimedAt, LeaseEnd, Ct);
        Assert.Equal((0L, 2L, true), (again!.Start, again.End, again.TakenOver));
        Assert.True(await claims.RenewAsync(other, LeaseEnd.AddSeconds(5), Ct));
    }

    [StoreFact]
    public async Task Releasing_every_lease_of_a_job_frees_them_all_at_once()
    {
        var claims = (await NewStoresAsync()).RequestClaims;
        var job = NewJobId();
        await claims.PlanAtLeastAsync(job, 4, Ct);
        await claims.TryClaimAsync(job, "gen-1", 2, ClaimedAt, LeaseEnd, Ct);
        await claims.TryClaimAsync(job, "gen-2", 2, ClaimedAt, LeaseEnd, Ct);

        await claims.ReleaseAllAsync(job, Ct);

        var first = await claims.TryClaimAsync(job, "local", 2, ClaimedAt, LeaseEnd, Ct);
        var second = await claims.TryClaimAsync(job, "local", 2, ClaimedAt, LeaseEnd, Ct);
        Assert.Equal([(0L, true), (2L, true)], new[] { first!, second! }.Select(c => (c.Start, c.TakenOver)));
    }
}
