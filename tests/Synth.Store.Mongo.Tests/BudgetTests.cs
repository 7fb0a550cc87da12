using Synth.Contracts.Jobs;

namespace Synth.Store.Mongo.Tests;

public sealed class BudgetTests
{
    [Fact]
    public void The_reserve_filter_checks_every_set_limit_against_spent_plus_reserved_plus_the_call()
    {
        var filter = MongoBudget.ReserveFilter("job", "job-r1:0", new BudgetTotals(1, 500, 0.25m), new BudgetSpec { MaxRequests = 10, MaxCostUsd = 2m });

        Assert.Equal(
            """{ "_id" : "job", "calls.job-r1:0" : { "$exists" : false }, "$expr" : { "$and" : [{ "$lte" : [{ "$add" : ["$spent.requests", "$reserved.requests", 1] }, 10] }, { "$lte" : [{ "$add" : ["$spent.cost", "$reserved.cost", { "$numberDecimal" : "0.25" }] }, { "$numberDecimal" : "2" }] }] } }""",
            Bson.Json(filter));
    }

    [Fact]
    public void Without_limits_the_reserve_filter_only_guards_against_reserving_a_call_twice()
    {
        var filter = MongoBudget.ReserveFilter("job", "c", new BudgetTotals(1, 5, 0m), new BudgetSpec());

        Assert.Equal("""{ "_id" : "job", "calls.c" : { "$exists" : false } }""", Bson.Json(filter));
    }

    [Fact]
    public void Ending_a_call_moves_its_reservation_out_and_its_real_spend_in()
    {
        var update = MongoBudget.EndUpdate("c", new BudgetTotals(1, 900, 0.09m), new BudgetTotals(1, 250, 0.025m));

        Assert.Equal(
            """{ "$inc" : { "reserved.requests" : -1, "reserved.tokens" : -900, "reserved.cost" : { "$numberDecimal" : "-0.09" }, "spent.requests" : 1, "spent.tokens" : 250, "spent.cost" : { "$numberDecimal" : "0.025" } }, "$unset" : { "calls.c" : "" } }""",
            Bson.Json(update));
    }
}
